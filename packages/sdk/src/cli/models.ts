import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readRenamedEnv } from '../config/index.js';
import { isFindThisFitError } from '../errors.js';
import { writeFixtureModel, writeRandomVit } from '../fixture/index.js';
import { fingerprintOf } from '../model/fingerprint.js';
import { getPreset, PRESETS, REAL_PRESETS } from '../model/presets.js';
import { downloadPreset, HubUnreachableError } from './download-preset.js';
import { copyOrtWasmAssets } from './ort-assets.js';
import { formatBytes } from './progress-line.js';

const HELP = `ftf-models — get the models Find This Fit runs on

Usage:
  ftf-models list                          presets, their dims and fingerprints
  ftf-models fixture [--out DIR]           generate the fixture models (offline, seconds)
  ftf-models random-vit [--arch A] [--out DIR]
                                           generate full-size random ViTs for benchmarks
                                           (A: vit-b32-clip | vit-b16-siglip | all; default all)
  ftf-models download PRESET [--out DIR] [--webgpu]
                                           download a real preset from the Hugging Face hub
                                           (--webgpu: also the fp16/fp32 files WebGPU browsers load)
  ftf-models ort-assets DIR [--hashed]     copy ONNX Runtime's browser WASM files into DIR
                                           (--hashed: content-hashed names for immutable caching,
                                           listed in DIR/ort-runtime.json)

Options:
  --out DIR   where model folders go (default: $FTF_MODELS_ROOT or ./.models; FTF_MODELS_DIR is its former name)
  -h, --help  this text
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      arch: { type: 'string', default: 'all' },
      webgpu: { type: 'boolean', default: false },
      hashed: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, argument] = positionals;
  const out = resolve(values.out ?? readRenamedEnv(process.env, 'FTF_MODELS_ROOT', ['FTF_MODELS_DIR']) ?? '.models');
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case 'list':
      for (const preset of Object.values(PRESETS)) {
        process.stdout.write(
          `${preset.name.padEnd(16)} ${String(preset.dim).padStart(4)}-d  ${fingerprintOf(preset).padEnd(34)} ${preset.description}\n`,
        );
      }
      return 0;
    case 'fixture':
      for (const family of ['clip', 'siglip'] as const) {
        const preset = family === 'clip' ? PRESETS.fixture : PRESETS['fixture-siglip'];
        const model = await writeFixtureModel(resolve(out, preset.name), {
          family,
          dim: preset.dim,
          imageSize: preset.imageSize,
        });
        const bytes = model.files.reduce((sum, file) => sum + file.bytes, 0);
        process.stdout.write(`${preset.name}: ${model.files.length} files, ${formatBytes(bytes)} → ${model.dir}\n`);
      }
      return 0;
    case 'random-vit': {
      const archs = values.arch === 'all' ? (['vit-b32-clip', 'vit-b16-siglip'] as const) : [values.arch];
      for (const arch of archs) {
        if (arch !== 'vit-b32-clip' && arch !== 'vit-b16-siglip') throw new Error(`Unknown --arch "${arch}".`);
        const model = await writeRandomVit(resolve(out, arch), {
          arch,
          onProgress: (m) => process.stderr.write(`${arch}: ${m}\n`),
        });
        for (const file of model.files) process.stdout.write(`${arch}/${file.path}: ${formatBytes(file.bytes)}\n`);
      }
      return 0;
    }
    case 'download': {
      if (!argument) throw new Error(`download needs a preset: ${REAL_PRESETS.join(', ')}.`);
      const preset = getPreset(argument);
      if (!REAL_PRESETS.includes(preset.name as never)) {
        throw new Error(`"${preset.name}" is generated, not downloaded: run \`ftf-models fixture\`.`);
      }
      const dir = await downloadPreset(preset, out, { webgpu: values.webgpu });
      process.stdout.write(`${preset.name} (${fingerprintOf(preset)}) → ${dir}\n`);
      return 0;
    }
    case 'ort-assets': {
      if (!argument) throw new Error('ort-assets needs a target folder.');
      for (const file of await copyOrtWasmAssets(resolve(argument), { hashed: values.hashed }))
        process.stdout.write(`${file}\n`);
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ftf-models: ${message}\n`);
    if (error instanceof HubUnreachableError) {
      process.stderr.write(
        'The Hugging Face hub is not reachable from this machine. Download the preset on a machine that can reach it\n' +
          '(`ftf-models download <preset> --out DIR`) and copy DIR here, or run fully offline with FTF_MODEL=fixture.\n',
      );
    }
    process.exitCode = isFindThisFitError(error) ? 2 : 1;
  },
);

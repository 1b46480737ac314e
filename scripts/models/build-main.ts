/**
 * `npm run models:build` (through build.ts, under the react-server condition): writes every generated, trained and quantized model to
 * generated/models/ and a manifest.json stamp. A no-op (about a second) when the
 * stamp matches the sources, so start and test scripts can run it every time.
 * `--force` rebuilds anyway.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { calibrateRanges } from "@/lib/models/calibrate.server";
import { DIGITS_ACCURACY_TARGET, digitsCnnTrainOptions, digitsTrainOptions } from "@/lib/models/digits";
import { buildInputsHash, generatedDir, generatedModelsStaleReason, MANIFEST_NAME, repoRoot, type BuildManifest } from "@/lib/models/files.server";
import { digitBatch, loadDigits } from "@/lib/models/mnist.server";
import { randomLayers } from "@/lib/models/layers";
import { cnnToOnnx, mlpToOnnx } from "@/lib/models/mlp";
import { decodeModel, encodeProto, type onnx } from "@/lib/models/onnx-builder";
import { quantizeDynamicMatMul, quantizeStaticQdq, quantizeWeightOnly, type QuantizeOptions } from "@/lib/models/quantize";
import { getModel, MLP_STACKS } from "@/lib/models/registry";
import { DETECTOR_NORMALIZATION, textPage, toNchw } from "@/lib/models/text-images.server";
import { accuracy, argmaxRows, predictLogits, trainMlp, trainNetwork } from "@/lib/models/train-mlp";

process.env.ORT_DISABLE_TELEMETRY = "1";

const started = performance.now();
const force = process.argv.includes("--force");
const files: BuildManifest["files"] = {};
const training: Record<string, unknown> = {};

function log(message: string) {
  process.stdout.write(`[models:build] ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

function write(id: string, bytes: Uint8Array) {
  const file = path.join(generatedDir(), `${id}.onnx`);
  writeFileSync(file, bytes);
  files[id] = { bytes: bytes.byteLength };
  log(`${id}.onnx ${(bytes.byteLength / 1024 / 1024).toFixed(2)} MiB`);
}

function readBase(id: string): onnx.ModelProto {
  const spec = getModel(id);
  if (!spec) throw new Error(`unknown model ${id}`);
  return decodeModel(readFileSync(path.join(repoRoot(), spec.file)));
}

function quantizationOptions(id: string): QuantizeOptions {
  const spec = getModel(id);
  return { excludeOpTypes: spec?.quantization?.excludedOpTypes, excludeNodes: spec?.quantization?.excludedNodes };
}

async function main() {
  const stale = generatedModelsStaleReason();
  if (!stale && !force) {
    log("generated/models is up to date");
    return;
  }
  log(force ? "rebuilding (--force)" : `building: ${stale}`);
  mkdirSync(generatedDir(), { recursive: true });

  for (const [id, { widths, seed }] of Object.entries(MLP_STACKS)) {
    write(id, mlpToOnnx({ name: id, layers: randomLayers(widths, seed), docString: `Generated MatMul stack ${widths.join("→")}, seed ${seed}` }));
  }
  const wide = readBase("mlp-wide");
  write("mlp-wide-int8-dynamic", encodeProto(quantizeDynamicMatMul(wide).model));
  write("mlp-wide-int8-weight", encodeProto(quantizeWeightOnly(wide).model));

  const digits = loadDigits();
  const options = digitsTrainOptions();
  const layers = trainMlp(digits.train.pixels, digits.train.labels, { ...options, onEpoch: (epoch, loss) => log(`digits-mlp epoch ${epoch + 1}/${options.epochs} loss ${loss.toFixed(4)}`) });
  const testAccuracy = accuracy(argmaxRows(predictLogits(layers, digits.test.pixels, digits.test.count), 10), digits.test.labels);
  training["digits-mlp"] = { testAccuracy, trainCount: digits.train.count, testCount: digits.test.count, epochs: options.epochs, seed: options.seed };
  log(`digits-mlp held-out accuracy ${(testAccuracy * 100).toFixed(2)}% on ${digits.test.count} digits`);
  if (testAccuracy < DIGITS_ACCURACY_TARGET) throw new Error(`digits-mlp reached ${testAccuracy}, below the ${DIGITS_ACCURACY_TARGET} target`);
  write("digits-mlp", mlpToOnnx({ name: "digits-mlp", layers, inputName: "pixels", outputName: "logits", docString: `784→128→64→10 MLP, held-out accuracy ${testAccuracy}` }));

  const digitsModel = readBase("digits-mlp");
  write("digits-mlp-int8-weight", encodeProto(quantizeWeightOnly(digitsModel).model));
  write("digits-mlp-int8-dynamic", encodeProto(quantizeDynamicMatMul(digitsModel).model));
  const calibrationDigits = digitBatch(digits.train, 0, 256);
  const digitRanges = await calibrateRanges(digitsModel, [{ pixels: new ort.Tensor("float32", calibrationDigits.pixels, [calibrationDigits.labels.length, 784]) }]);
  write("digits-mlp-int8-static", encodeProto(quantizeStaticQdq(digitsModel, digitRanges).model));

  const cnnOptions = digitsCnnTrainOptions();
  const cnn = trainNetwork(digits.train.pixels, digits.train.labels, { ...cnnOptions, onEpoch: (epoch, loss) => log(`digits-cnn epoch ${epoch + 1}/${cnnOptions.epochs} loss ${loss.toFixed(4)}`) });
  const cnnAccuracy = accuracy(argmaxRows(predictLogits(cnn.layers, digits.test.pixels, digits.test.count, cnn.front), 10), digits.test.labels);
  training["digits-cnn"] = { testAccuracy: cnnAccuracy, trainCount: digits.train.count, testCount: digits.test.count, epochs: cnnOptions.epochs, seed: cnnOptions.seed };
  log(`digits-cnn held-out accuracy ${(cnnAccuracy * 100).toFixed(2)}% on ${digits.test.count} digits`);
  if (cnnAccuracy < DIGITS_ACCURACY_TARGET) throw new Error(`digits-cnn reached ${cnnAccuracy}, below the ${DIGITS_ACCURACY_TARGET} target`);
  write(
    "digits-cnn",
    cnnToOnnx({ name: "digits-cnn", front: cnn.front!, layers: cnn.layers, inputName: "pixels", outputName: "logits", docString: `5×5/2 conv (8) → 1152→64→10, held-out accuracy ${cnnAccuracy}` }),
  );
  const cnnModel = readBase("digits-cnn");
  const cnnRanges = await calibrateRanges(cnnModel, [{ pixels: new ort.Tensor("float32", calibrationDigits.pixels, [calibrationDigits.labels.length, 784]) }]);
  write("digits-cnn-int8-static", encodeProto(quantizeStaticQdq(cnnModel, cnnRanges).model));

  const detector = readBase("ocr-det");
  const pages = Array.from({ length: 8 }, (_, i) => textPage(digits.train, 320, 320, 100 + i));
  const pageBatches = pages.map((page) => ({ x: new ort.Tensor("float32", toNchw([page], DETECTOR_NORMALIZATION.mean, DETECTOR_NORMALIZATION.std), [1, 3, 320, 320]) }));
  const detectorRanges = await calibrateRanges(detector, pageBatches, quantizationOptions("ocr-det-int8-static"));
  const staticDetector = quantizeStaticQdq(detector, detectorRanges, quantizationOptions("ocr-det-int8-static"));
  log(`ocr-det static: ${staticDetector.report.quantizedNodes.length} nodes quantized, ${staticDetector.report.skippedNodes.length} left fp32`);
  write("ocr-det-int8-static", encodeProto(staticDetector.model));
  write("ocr-det-int8-weight", encodeProto(quantizeWeightOnly(detector).model));

  const recognizer = readBase("ocr-rec");
  const dynamicRecognizer = quantizeDynamicMatMul(recognizer, quantizationOptions("ocr-rec-int8-dynamic"));
  log(`ocr-rec dynamic: ${dynamicRecognizer.report.quantizedNodes.length} MatMuls quantized`);
  write("ocr-rec-int8-dynamic", encodeProto(dynamicRecognizer.model));
  write("ocr-rec-int8-weight", encodeProto(quantizeWeightOnly(recognizer).model));

  const seconds = (performance.now() - started) / 1000;
  const manifest: BuildManifest = { inputsHash: buildInputsHash(), builtAt: new Date().toISOString(), seconds, files, training };
  writeFileSync(path.join(generatedDir(), MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`done in ${seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

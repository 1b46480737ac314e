/**
 * What the inference engine needs to know about a model, whatever catalog it
 * came from. Browser-safe (types only) so client code can describe results.
 */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: string;
  /** Numbers are fixed; strings name dynamic axes (e.g. "batch"). */
  shape: Dim[];
  /** The only values the model accepts in this tensor, when it has such a rule. */
  allowedValues?: number[];
}

export interface InferenceModel {
  id: string;
  title: string;
  /** Absolute path of the .onnx file. */
  file: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Axis along which items stack; null when the model takes exactly one item. */
  batchAxis: number | null;
  /** Most items one request may carry. */
  maxBatch: number;
  flopsPerItem?: number;
  weightBytes?: number;
  parameters?: number;
  /** Sizes for named dynamic axes other than the batch axis, used for generated inputs. */
  axisDefaults?: Record<string, number>;
  /** onnxruntime session config entries (SessionOptions.extra). */
  sessionConfig?: Record<string, string>;
  /** The catalog's own input generator (ranges, constants); the engine's generic one otherwise. */
  makeInput?: (batch: number, seed: number) => Record<string, unknown>;
  /** What the model zoo knows beyond shapes (task, variant, licence, measured quality), shown as is by /api/capabilities. */
  catalog?: {
    task: string;
    variant: string;
    baseId: string;
    license: string;
    source: string;
    evaluation: unknown;
    /** Set for a model an instructor uploaded (lib/inference/uploads): who, and when. */
    addedBy?: { name: string; at: string };
    sha256?: string;
    sizeBytes?: number;
  };
  /** Checks the file (exists, parses) and throws an HttpError naming the problem. */
  verify?: () => void;
}

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
}

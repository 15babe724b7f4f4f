// torch.save files (the zip format of torch ≥ 1.6): `<prefix>/data.pkl` holds the pickle,
// `<prefix>/data/<key>` the raw bytes of each storage, `<prefix>/byteorder` "little" or "big".
// Unzipped with fflate (pure JS, works in Node and browsers).

import { unzipSync } from "fflate";
import { YumaInputError } from "../errors.js";
import { decodeRaw, DTYPE_SIZE, MAX_ELEMENTS, unpickle, type DType } from "./pickle.js";

const MAX_ENTRY_BYTES = MAX_ELEMENTS * 8;
const MAX_ZIP_BYTES = 4 * MAX_ENTRY_BYTES;

/** Unpickle the object a `torch.save` zip holds (see unpickle for the value types). */
export function readTorchSave(bytes: Uint8Array, field = "file"): unknown {
  let files: Record<string, Uint8Array>;
  // The unzip allocates each entry's size as its header states, before inflating: a few KB of
  // zip can claim gigabytes. No entry the reader takes is larger than MAX_ELEMENTS float64.
  let total = 0;
  const sized = (f: { name: string; originalSize: number }): boolean => {
    total += f.originalSize;
    if (f.originalSize > MAX_ENTRY_BYTES || total > MAX_ZIP_BYTES) {
      throw new YumaInputError(`${field}:${f.name}`, `unzips to ${f.originalSize} bytes (${total} so far); the reader takes at most ${MAX_ENTRY_BYTES} per entry and ${MAX_ZIP_BYTES} in all`);
    }
    return true;
  };
  try {
    files = unzipSync(bytes, { filter: sized });
  } catch (e) {
    if (e instanceof YumaInputError) throw e;
    throw new YumaInputError(field, `not a readable zip (torch.save format): ${(e as Error).message}`);
  }
  const pkl = Object.keys(files).filter((k) => k === "data.pkl" || k.endsWith("/data.pkl"));
  if (pkl.length !== 1) throw new YumaInputError(field, `a torch.save zip holds exactly one data.pkl, found ${pkl.length}`);
  const prefix = pkl[0]!.slice(0, -"data.pkl".length);
  const order = files[`${prefix}byteorder`];
  const orderText = order ? new TextDecoder().decode(order).trim() : "little";
  if (orderText !== "little" && orderText !== "big") throw new YumaInputError(`${field}:${prefix}byteorder`, `must be "little" or "big"`);
  const load = (key: string, dtype: DType, numel: number) => {
    const name = `${prefix}data/${key}`;
    const raw = Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined;
    if (!raw) throw new YumaInputError(`${field}:${name}`, "storage referenced by the pickle is missing from the zip");
    if (raw.length < numel * DTYPE_SIZE[dtype]) throw new YumaInputError(`${field}:${name}`, `holds ${raw.length} bytes, fewer than ${numel} ${dtype} elements`);
    return decodeRaw(raw.subarray(0, numel * DTYPE_SIZE[dtype]), dtype, orderText === "little", `${field}:${name}`);
  };
  return unpickle(files[pkl[0]!]!, load, `${field}:${pkl[0]}`);
}

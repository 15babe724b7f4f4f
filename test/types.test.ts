// The published types, checked as a consumer sees them: dist/*.d.ts compiled by tsc from a fresh
// project that has "yuma-wasm" in node_modules (ESM "import" and CJS "require" conditions,
// including yuma-wasm/worker). Needs a built dist/ (npm run build).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const DIST = join(ROOT, "dist");
let app: string;
let program: ts.Program;

function compile(files: string[]): ts.Program {
  return ts.createProgram(files, {
    // The default lib of an ES2022 target (with DOM: the declarations use WebAssembly.Module).
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")],
    skipLibCheck: false, // the emitted .d.ts files themselves must check too
  });
}

const messages = (p: ts.Program) => ts.getPreEmitDiagnostics(p).map((d) => {
  const where = d.file ? `${d.file.fileName.replace(app, "APP").replace(ROOT, "ROOT")}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
  return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
});

beforeAll(() => {
  if (!existsSync(join(DIST, "index.d.ts"))) throw new Error("dist/index.d.ts missing: run npm run build first");
  app = mkdtempSync(join(tmpdir(), "yuma-types-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  mkdirSync(join(app, "node_modules"));
  symlinkSync(ROOT, join(app, "node_modules", "yuma-wasm"), "dir");
  for (const f of ["consumer.ts", "consumer.cts"]) writeFileSync(join(app, f), readFileSync(join(__dirname, "types", f + ".txt")));
  program = compile([join(app, "consumer.ts"), join(app, "consumer.cts")]);
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("published types", () => {
  it("a consumer compiles, and each deliberately wrong call is a type error", () => {
    // Unused @ts-expect-error directives (a signature that accepts anything) would be listed here.
    expect(messages(program)).toEqual([]);
  });

  it("the wrong calls fail for the right reason", () => {
    // Without the directives, exactly the marked lines are errors, with the expected messages.
    const lines = readFileSync(join(__dirname, "types", "consumer.ts.txt"), "utf8").split("\n");
    const marked = lines.flatMap((l, i) => (l.startsWith("// @ts-expect-error") ? [i + 2] : []));
    writeFileSync(join(app, "bad.ts"), lines.map((l) => l.replace("// @ts-expect-error", "// EXPECTED ERROR:")).join("\n"));
    const errs = messages(compile([join(app, "bad.ts")]));
    const lineOf = (e: string) => Number(/^APP\/bad\.ts:(\d+) /.exec(e)?.[1]);
    expect(marked.length).toBe(7);
    expect([...new Set(errs.map(lineOf))]).toEqual(marked);
    const at = (k: number) => errs.filter((e) => lineOf(e) === marked[k]).join("\n");
    expect(at(0)).toMatch(/'\{ n: number; \}' is not assignable to parameter of type 'EpochParams'/);
    expect(at(1)).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(at(2)).toMatch(/Type 'number' is not assignable to type '\[number, number\]'/);
    expect(at(3)).toMatch(/Type 'boolean' is not assignable to type 'Rao'/);
    expect(at(4)).toMatch(/Property 'epochs' is missing/);
    expect(at(5)).toMatch(/'string' is not assignable to parameter of type 'EpochParams'/);
    expect(at(6)).toMatch(/Type 'bigint' is not assignable to type 'string'/);
  });

  it("resolve to the real signatures (no `unknown` parameters)", () => {
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(join(app, "consumer.ts"))!;
    const sig = (name: string) => {
      const imp = checker.getSymbolsInScope(file, ts.SymbolFlags.Alias).find((s) => s.name === name)!;
      const target = checker.getAliasedSymbol(imp);
      return checker.typeToString(checker.getTypeOfSymbol(target));
    };
    expect(sig("runEpoch")).toBe("(params: EpochParams, inputs: EpochInputs, options?: EpochOptions | undefined) => EpochOutputs");
    expect(sig("runTrajectory")).toBe("(trajectory: Trajectory, options?: EpochOptions | undefined) => EpochOutputs[]");
    expect(sig("encodeEpoch")).toBe("(paramsIn: EpochParams, inputsIn: EpochInputs, outOfRange?: OutOfRangeUids | undefined) => EncodedEpoch");
    expect(sig("createPool")).toMatch(/^\(threads: number\) => Promise<.*>$/);
  });

  it("every output field is documented", () => {
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(join(app, "consumer.ts"))!;
    const undocumented: string[] = [];
    for (const name of ["EpochOutputs", "EpochOutputsJson", "EpochParams", "EpochInputs"]) {
      const alias = checker.getSymbolsInScope(file, ts.SymbolFlags.Alias).find((s) => s.name === name)!;
      const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(alias));
      for (const prop of type.getProperties()) {
        if (ts.displayPartsToString(prop.getDocumentationComment(checker)).trim() === "") undocumented.push(`${name}.${prop.name}`);
        const propType = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
        if (name !== "EpochParams" && name !== "EpochInputs" && prop.name === "trace") {
          for (const p of propType.getProperties()) {
            if (ts.displayPartsToString(p.getDocumentationComment(checker)).trim() === "") undocumented.push(`${name}.trace.${p.name}`);
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it("no bundler-renamed declarations (`RunOptions$1`) in any emitted .d.ts", () => {
    const dts = readdirSync(DIST).filter((f) => /\.d\.c?ts$/.test(f));
    expect(dts).toEqual(expect.arrayContaining(["index.d.ts", "index.d.cts", "worker.d.ts", "worker.d.cts"]));
    for (const f of dts) expect({ f, renamed: readFileSync(join(DIST, f), "utf8").match(/\b[A-Za-z_]\w*\$\d+\b/g) }).toEqual({ f, renamed: null });
  });
});

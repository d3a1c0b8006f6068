#!/usr/bin/env node
/*
 * Validate Kubernetes manifests against the Kubernetes API schemas, offline.
 *
 *   node validate.js MODULES_DIR FILE.yaml...
 *
 * MODULES_DIR holds node_modules with the packages of package.json.  Two
 * checks, both generated from the Kubernetes OpenAPI definitions:
 *  - kubernetes-models: each object's JSON schema (required fields, types,
 *    formats), at run time;
 *  - kubernetes-types with the TypeScript compiler: each object as a typed
 *    literal, so an unknown field at any depth (a typo) is an error too,
 *    which the JSON schemas (open objects) let through.
 * YAML is read as Kubernetes reads it (YAML 1.1 scalars: "on" is a boolean).
 * Prints one line per problem; exits 1 when there is any, 0 otherwise.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const modules = path.resolve(process.argv[2] || ".");
const files = process.argv.slice(3);
const need = (m) => require(path.join(modules, "node_modules", m));
const YAML = need("yaml");
const ts = need("typescript");

let problems = 0;
const problem = (where, msg) => {
	problems++;
	console.log(`${where}: ${msg}`);
};

/* apiVersion -> [kubernetes-models dir, kubernetes-types module] */
function groupPaths(apiVersion) {
	const parts = String(apiVersion).split("/");
	if (parts.length === 1)
		return [parts[0], `core/${parts[0]}`];
	const group = parts[0], version = parts[1];
	return [`${group}/${version}`, `${group.split(".")[0]}/${version}`];
}

const docs = [];
for (const file of files) {
	let text;
	try {
		text = fs.readFileSync(file, "utf8");
	} catch (e) {
		problem(file, `cannot read: ${e.message}`);
		continue;
	}
	const parsed = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: true });
	parsed.forEach((d, i) => {
		const where = `${file}: document ${i + 1}`;
		if (d.errors && d.errors.length) {
			for (const e of d.errors)
				problem(where, `YAML: ${e.message.split("\n")[0]}`);
			return;
		}
		const obj = d.toJS();
		if (obj === null || obj === undefined)
			return;
		if (typeof obj !== "object" || Array.isArray(obj)) {
			problem(where, "not a Kubernetes object");
			return;
		}
		const name = obj.metadata && obj.metadata.name;
		docs.push({ where: `${where} (${obj.kind}/${name})`, obj });
	});
}

/* 1. The JSON schema of each kind. */
for (const d of docs) {
	const [modelDir, typesMod] = groupPaths(d.obj.apiVersion);
	d.typesMod = typesMod;
	let Model;
	try {
		Model = need(`kubernetes-models/${modelDir}/${d.obj.kind}`)[d.obj.kind];
	} catch (e) {
		Model = undefined;
	}
	if (typeof Model !== "function") {
		problem(d.where, `unknown kind ${d.obj.kind} in ${d.obj.apiVersion}`);
		d.unknown = true;
		continue;
	}
	try {
		new Model(d.obj).validate();
	} catch (e) {
		problem(d.where, `schema: ${String(e.message).split("\n").join("; ")}`);
	}
}

/* 2. Typed literals: unknown fields and wrong types at any depth. */
const known = docs.filter((d) => !d.unknown);
if (known.length) {
	const lines = [];
	const starts = [];	/* first source line (0-based) of each object's literal */
	known.forEach((d, i) => {
		lines.push(`import type { ${d.obj.kind} as K${i} } from "kubernetes-types/${d.typesMod}";`);
	});
	known.forEach((d, i) => {
		starts.push(lines.length);
		for (const l of `export const d${i}: K${i} = ${JSON.stringify(d.obj, null, 1)};`.split("\n"))
			lines.push(l);
	});
	const source = lines.join("\n") + "\n";
	const tmp = path.join(modules, `manifests-${process.pid}.ts`);
	fs.writeFileSync(tmp, source);
	try {
		const program = ts.createProgram([tmp], {
			noEmit: true, strict: true, skipLibCheck: true, types: [],
			module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
			target: ts.ScriptTarget.ES2020,
		});
		const diags = ts.getPreEmitDiagnostics(program);
		for (const diag of diags) {
			const msg = ts.flattenDiagnosticMessageText(diag.messageText, "; ");
			let which = "manifests";
			if (diag.file && diag.start !== undefined) {
				const { line } = diag.file.getLineAndCharacterOfPosition(diag.start);
				/* The object whose literal holds that line. */
				let k = -1;
				for (let j = 0; j < known.length; j++)
					if (line >= starts[j])
						k = j;
				if (k >= 0)
					which = known[k].where;
			}
			problem(which, `type: ${msg}`);
		}
	} finally {
		fs.unlinkSync(tmp);
	}
}
if (!problems)
	console.log(`${docs.length} objects valid`);
process.exit(problems ? 1 : 0);

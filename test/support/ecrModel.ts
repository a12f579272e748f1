/**
 * ECR's service model (botocore's `ecr` service-2.json, shipped in the test stack's moto venv) and a
 * validator of answers against it: the contract test checks that what the local ECR answers is
 * something ECR could answer. Reads the model as data; knows nothing of the extension or the front.
 *
 * What is checked, per the model's shape types (AWS JSON 1.1 protocol):
 * - structure: no member the shape lacks, every `required` member present, each member recursively;
 * - list / map: arrays / objects, each member (and map key) recursively (list bounds are request limits: not applied);
 * - string: a string, one of `enum` when given, matching `pattern` (whole string) and min/max length;
 * - integer / long: whole numbers within min/max; float / double: numbers; boolean: booleans;
 * - timestamp: epoch seconds as a JSON number (the JSON protocol's default timestamp format);
 * - blob: a base64 string.
 * Errors: the `__type` (with or without a `namespace#` prefix) must be one the operation lists, or
 * one of the errors common to all AWS APIs (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface ShapeRef {
  shape: string;
}

export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  exception?: boolean;
}

export interface ServiceModel {
  metadata: { targetPrefix: string; protocol: string };
  operations: Record<string, { name: string; input?: ShapeRef; output?: ShapeRef; errors?: ShapeRef[] }>;
  shapes: Record<string, Shape>;
}

/** Errors any AWS API may answer (the ECR API reference's Common Errors page). */
export const COMMON_ERRORS = [
  'AccessDeniedException',
  'IncompleteSignature',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'ServiceUnavailable',
  'ThrottlingException',
  'ValidationError',
];

/**
 * Where the stack's venv keeps botocore's ECR model: `<venv>/lib/python3.*\/site-packages/botocore/data/ecr/<date>/service-2.json`
 * (compressed as `.json.gz` in newer botocore); the newest date wins. The venv is `$ECR_WB_CACHE/venv`
 * or `~/.cache/ecr-workbench/venv`, as test/stack/stack.mjs makes it.
 */
export function findEcrModel(venv = path.join(process.env.ECR_WB_CACHE || path.join(os.homedir(), '.cache', 'ecr-workbench'), 'venv')): string | undefined {
  const lib = path.join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib).filter((name) => name.startsWith('python')).sort().reverse()) {
    const ecr = path.join(lib, python, 'site-packages', 'botocore', 'data', 'ecr');
    if (!existsSync(ecr)) continue;
    for (const version of readdirSync(ecr).sort().reverse()) {
      for (const file of ['service-2.json', 'service-2.json.gz']) {
        const candidate = path.join(ecr, version, file);
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

export function loadEcrModel(file: string): ServiceModel {
  const bytes = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as ServiceModel;
}

/** Problems with `body` as the output of `operation` (empty when it conforms). */
export function outputProblems(model: ServiceModel, operation: string, body: unknown): string[] {
  const op = model.operations[operation];
  if (!op) return [`${operation}: not an operation of the model`];
  const problems: string[] = [];
  if (op.output) checkShape(model, op.output.shape, body, operation, problems);
  else if (body && typeof body === 'object' && Object.keys(body).length > 0) problems.push(`${operation}: the model has no output, got members ${Object.keys(body).join(', ')}`);
  return problems;
}

/** Problems with an error answer `body` (AWS JSON: `__type` and `message`) of `operation`. */
export function errorProblems(model: ServiceModel, operation: string, body: unknown): string[] {
  const op = model.operations[operation];
  if (!op) return [`${operation}: not an operation of the model`];
  if (!isObject(body) || typeof body.__type !== 'string') return [`${operation}: an error answer without __type: ${JSON.stringify(body)?.slice(0, 200)}`];
  const type = body.__type.split('#').pop()!;
  const listed = (op.errors ?? []).map((error) => error.shape);
  const problems: string[] = [];
  if (!listed.includes(type) && !COMMON_ERRORS.includes(type)) problems.push(`${operation}: error ${type} is not one the operation lists (${listed.join(', ')}) nor a common error`);
  const message = body.message ?? body.Message;
  if (message !== undefined && typeof message !== 'string') problems.push(`${operation}: error message is not a string`);
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkShape(model: ServiceModel, name: string, value: unknown, at: string, problems: string[]): void {
  const shape = model.shapes[name];
  if (!shape) {
    problems.push(`${at}: the model has no shape ${name}`);
    return;
  }
  const wrong = (expected: string): void => {
    problems.push(`${at}: expected ${expected} (shape ${name}), got ${JSON.stringify(value)?.slice(0, 120)}`);
  };
  const length = (size: number, what: string): void => {
    if (shape.min !== undefined && size < shape.min) problems.push(`${at}: ${what} ${size} is below the minimum ${shape.min} (shape ${name})`);
    if (shape.max !== undefined && size > shape.max) problems.push(`${at}: ${what} ${size} is above the maximum ${shape.max} (shape ${name})`);
  };
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) return wrong('an object');
      const members = shape.members ?? {};
      for (const key of Object.keys(value)) {
        if (!(key in members)) problems.push(`${at}.${key}: member not in shape ${name}`);
      }
      for (const key of shape.required ?? []) {
        if (value[key] === undefined) problems.push(`${at}.${key}: required member of shape ${name} missing`);
      }
      for (const [key, ref] of Object.entries(members)) {
        if (value[key] !== undefined && value[key] !== null) checkShape(model, ref.shape, value[key], `${at}.${key}`, problems);
      }
      return;
    }
    case 'list':
      // A list's min/max in the model bounds requests (ImageIdentifierList: 1-100 ids per call); an
      // answer may carry an empty list (BatchDeleteImage's imageIds when nothing was deleted). Not applied.
      if (!Array.isArray(value)) return wrong('a list');
      value.forEach((item, index) => checkShape(model, shape.member!.shape, item, `${at}[${index}]`, problems));
      return;
    case 'map':
      if (!isObject(value)) return wrong('a map');
      for (const [key, item] of Object.entries(value)) {
        checkShape(model, shape.key!.shape, key, `${at}{key ${key}}`, problems);
        checkShape(model, shape.value!.shape, item, `${at}{${key}}`, problems);
      }
      return;
    case 'string': {
      if (typeof value !== 'string') return wrong('a string');
      if (shape.enum && !shape.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${shape.enum.join(' | ')} (shape ${name})`);
      length(value.length, 'length');
      if (shape.pattern) {
        const pattern = wholeString(shape.pattern);
        if (pattern && !pattern.test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match the pattern ${shape.pattern} (shape ${name})`);
      }
      return;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('a whole number');
      if (shape.min !== undefined && value < shape.min) problems.push(`${at}: ${value} is below the minimum ${shape.min} (shape ${name})`);
      if (shape.max !== undefined && value > shape.max) problems.push(`${at}: ${value} is above the maximum ${shape.max} (shape ${name})`);
      return;
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) wrong('a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('a boolean');
      return;
    case 'timestamp':
      // The JSON protocol sends timestamps as epoch seconds (a number, fractions allowed).
      if (typeof value !== 'number' || !Number.isFinite(value)) wrong('epoch seconds as a number');
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) wrong('a base64 string');
      return;
    default:
      problems.push(`${at}: shape ${name} has a type (${shape.type}) this validator does not know`);
  }
}

const patterns = new Map<string, RegExp | undefined>();

/** The model's patterns match the whole value (AWS's validation); one JavaScript cannot compile is skipped. */
function wholeString(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    let compiled: RegExp | undefined;
    try {
      compiled = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      try {
        compiled = new RegExp(`^(?:${pattern})$`);
      } catch {
        compiled = undefined;
      }
    }
    patterns.set(pattern, compiled);
  }
  return patterns.get(pattern);
}

// The server's JSON Schemas (GET /api/v1/field/forms) applied on the phone, so that a capture
// is checked by the same rules before it is queued. A subset of JSON Schema: type, required,
// properties, additionalProperties, enum, const, minimum/maximum (and exclusive), minLength/
// maxLength, pattern, format date, items, minItems/maxItems, anyOf/oneOf/allOf, $ref to $defs.

const TYPE_NAMES = {
  string: "文字", integer: "整数", number: "数字", boolean: "是或否", object: "对象",
  array: "列表", null: "空值",
};

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value, type) {
  const actual = typeOf(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

function resolve(schema, root) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    const ref = schema.$ref;
    if (!ref.startsWith("#/")) throw new Error(`不支持的引用 ${ref}`);
    let target = root;
    for (const part of ref.slice(2).split("/")) {
      target = target?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (!target) throw new Error(`找不到引用 ${ref}`);
    const { $ref, ...rest } = schema;
    schema = { ...target, ...rest };
  }
  return schema;
}

function isDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const patterns = new Map();

// A pattern JavaScript cannot read is left to the server, not allowed to block the capture.
function patternOf(source) {
  if (!patterns.has(source)) {
    let compiled;
    try { compiled = new RegExp(source, "u"); } catch { compiled = /(?:)/; }
    patterns.set(source, compiled);
  }
  return patterns.get(source);
}

function join(path, key) {
  return path ? `${path}.${key}` : String(key);
}

function label(schema, path) {
  return schema.title || path || "内容";
}

// Errors are {field, code, message}; field is the dotted path the server would name.
function check(value, schema, root, path, errors) {
  schema = resolve(schema, root);
  if (schema === true || schema === undefined || schema === null) return;
  if (schema === false) {
    errors.push({ field: path, code: "not_allowed", message: `不能填写${label({}, path)}` });
    return;
  }
  const before = errors.length;
  const name = label(schema, path);

  if (schema.allOf) for (const part of schema.allOf) check(value, part, root, path, errors);
  for (const key of ["anyOf", "oneOf"]) {
    if (!schema[key]) continue;
    const options = schema[key].map((part) => {
      const found = [];
      check(value, part, root, path, found);
      return found;
    });
    const passing = options.filter((found) => found.length === 0).length;
    if (passing === 0 || (key === "oneOf" && passing > 1)) {
      // The errors of the option of the value's own type say most; else a general one.
      const typed = schema[key].map((part) => resolve(part, root))
        .findIndex((part) => part.type && [].concat(part.type).some((t) => matchesType(value, t)));
      if (typed >= 0 && options[typed].length) errors.push(...options[typed]);
      else errors.push({ field: path, code: "invalid_value", message: `${name}的值不符合要求` });
    }
  }
  if (errors.length > before) return;

  if (schema.type !== undefined) {
    const types = [].concat(schema.type);
    if (!types.some((t) => matchesType(value, t))) {
      const wanted = types.filter((t) => t !== "null").map((t) => TYPE_NAMES[t] || t).join("或");
      const missing = value === null || value === undefined || value === "";
      errors.push(missing
        ? { field: path, code: "field_required", message: `请填写${name}` }
        : { field: path, code: "invalid_type", message: `${name}应为${wanted}` });
      return;
    }
  }
  if (schema.const !== undefined && value !== schema.const) {
    errors.push({ field: path, code: "choice_invalid", message: `${name}的值不正确` });
  }
  if (schema.enum && !schema.enum.some((option) => option === value)) {
    errors.push({ field: path, code: "choice_invalid", message: `${name}不在可选范围内` });
  }

  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      errors.push({ field: path, code: "below_minimum", message: `${name}不能小于 ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      errors.push({ field: path, code: "above_maximum", message: `${name}不能大于 ${schema.maximum}` });
    }
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      errors.push({ field: path, code: "below_minimum", message: `${name}须大于 ${schema.exclusiveMinimum}` });
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      errors.push({ field: path, code: "above_maximum", message: `${name}须小于 ${schema.exclusiveMaximum}` });
    }
  }

  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      errors.push(schema.minLength === 1 && length === 0
        ? { field: path, code: "field_required", message: `请填写${name}` }
        : { field: path, code: "too_short", message: `${name}至少 ${schema.minLength} 个字` });
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      errors.push({ field: path, code: "too_long", message: `${name}最多 ${schema.maxLength} 个字` });
    }
    if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value)) {
      errors.push({ field: path, code: "invalid_format", message: `${name}的格式不正确` });
    }
    if (schema.format === "date" && !isDate(value)) {
      errors.push({ field: path, code: "invalid_date", message: `${name}应为 YYYY-MM-DD 格式的日期` });
    }
  }

  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push({ field: path, code: "too_few", message: `${name}至少 ${schema.minItems} 项` });
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push({ field: path, code: "too_many", message: `${name}最多 ${schema.maxItems} 项` });
    }
    if (schema.items !== undefined) {
      value.forEach((item, i) => check(item, schema.items, root, join(path, i), errors));
    }
  }

  if (typeOf(value) === "object") {
    const properties = schema.properties || {};
    for (const key of schema.required || []) {
      if (value[key] === undefined) {
        const sub = resolve(properties[key] || {}, root);
        errors.push({ field: join(path, key), code: "field_required",
                      message: `请填写${label(sub, join(path, key))}` });
      }
    }
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (key in properties) {
        check(item, properties[key], root, join(path, key), errors);
      } else if (schema.additionalProperties === false) {
        errors.push({ field: join(path, key), code: "field_not_allowed", message: `不能提交字段 ${key}` });
      } else if (typeof schema.additionalProperties === "object") {
        check(item, schema.additionalProperties, root, join(path, key), errors);
      }
    }
  }
}

/** Every way `value` breaks `schema`, as [{field, code, message}]; [] when it is valid. */
export function validate(schema, value) {
  const errors = [];
  check(value, schema, schema, "", errors);
  return errors;
}

/** The sub-schema at a property path ("items.0.kind"), following $ref, anyOf and items. */
export function schemaAt(schema, path) {
  let node = resolve(schema, schema);
  for (const part of path ? path.split(".") : []) {
    node = nonNull(node, schema);
    if (/^\d+$/.test(part) && node.items) node = resolve(node.items, schema);
    else node = resolve((node.properties || {})[part] || {}, schema);
  }
  return node;
}

/** The schema of a value that may also be null: the non-null option of an anyOf. */
export function nonNull(node, root) {
  node = resolve(node, root);
  const options = node.anyOf || node.oneOf;
  if (options) {
    const real = options.map((o) => resolve(o, root)).filter((o) => o.type !== "null");
    if (real.length === 1) return { ...real[0], title: node.title || real[0].title,
                                    description: node.description || real[0].description,
                                    default: node.default };
  }
  return node;
}

export { resolve };

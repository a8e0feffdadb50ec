// The capture forms, drawn from the JSON Schema the server serves for each kind (its fields,
// enums, required fields and limits) and checked with that same schema before a capture is
// queued. Only the layout is the phone's own: a checklist for screening items, a field-by-field
// comparison for verification, pickers for a new house's village and household.

import { h, replace, today } from "./dom.js";
import { nonNull, resolve, validate } from "./validate.js";
import { gpsWidget } from "./gps.js";
import { photosWidget } from "./photo-input.js";

const HIDDEN = new Set(["house_id", "photo_ids", "version", "entry_id"]);
const LONG_TEXT = new Set(["note", "findings", "description", "override_reason"]);
// Chinese names where the schema's title is still the English one.
const LABELS = {
  checked_on: "排查日期", inspected_on: "检查日期", verified_on: "核实日期", level: "层级",
  inspector: "检查人", items: "隐患项目", altered_without_design: "加层、扩建或拆改主体结构且无专业设计",
  note: "说明", controls: "管控措施", findings: "检查发现", major_hazard: "发现重大安全隐患",
  holds: "管控措施是否仍然有效", household_id: "农户", division_code: "所在村", address: "地址",
  lat: "纬度", lng: "经度", structure: "结构类型", color_steel: "彩钢房", floors: "层数",
  built_year: "建造年份", build_method: "建造方式", floor_area: "建筑面积（㎡）", use: "用途",
  business_sector: "经营行业", occupancy: "居住状态", is_only_house: "唯一住房",
  priority_tags: "重点类别",
};
// Which code list names the values of a field (by kind, then for any kind).
const CODE_LISTS = {
  "control_check.level": "check_levels", level: "inspection_levels", controls: "control_kinds",
  structure: "structures", use: "uses", occupancy: "occupancies", build_method: "build_methods",
  business_sector: "business_sectors", priority_tags: "priority_tags", grade: "grades",
};

const CJK = /[\u4e00-\u9fff]/;

function labelOf(name, schema) {
  if (schema.title && CJK.test(schema.title)) return schema.title;
  return LABELS[name] || schema.description || name;
}

export function codeNames(forms, list) {
  const names = {};
  for (const row of forms.codes?.[list] || []) names[row.code ?? row.field] = row.name ?? row.label;
  return names;
}

function namesFor(ctx, name) {
  const list = CODE_LISTS[`${ctx.kind}.${name}`] || CODE_LISTS[name];
  return list ? codeNames(ctx.forms, list) : {};
}

let uid = 0;
const nextId = (name) => `f-${name}-${++uid}`;

function fieldBox(name, label, required, control, help) {
  const errors = h("p", { class: "field-error", hidden: true });
  const box = h("div", { class: "field", dataset: { field: name } },
    h("label", { class: "field-label", for: control.id || null },
      label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    control, help ? h("small", { class: "help" }, help) : null, errors);
  return { box, errors };
}

function showErrors(widget, messages) {
  widget.errors.hidden = !messages.length;
  widget.errors.textContent = messages.join("；");
  widget.box.classList.toggle("has-error", messages.length > 0);
}

// --- generic widgets, one per schema shape --------------------------------------------------

function selectWidget(name, schema, ctx, required) {
  const names = namesFor(ctx, name);
  const id = nextId(name);
  const blank = !required || schema.default === undefined;
  const select = h("select", { id, name },
    blank ? h("option", { value: "" }, schema.enum.includes("") ? "（无）" : "请选择") : null,
    schema.enum.filter((v) => v !== "").map((v) => h("option", { value: v }, names[v] || v)));
  if (schema.default !== undefined && schema.default !== null) select.value = schema.default;
  const w = fieldBox(name, labelOf(name, schema), required, select, null);
  w.get = () => (select.value === "" && !schema.enum.includes("") ? undefined : select.value);
  return w;
}

function booleanWidget(name, schema, ctx, required) {
  const label = labelOf(name, schema);
  if (required && schema.default === undefined) {
    // A yes/no the user must answer: nothing chosen until they choose.
    const id = nextId(name);
    const yes = h("input", { type: "radio", name: id, value: "true", id: `${id}-y` });
    const no = h("input", { type: "radio", name: id, value: "false", id: `${id}-n` });
    const group = h("div", { class: "choice-row", role: "radiogroup", "aria-label": label },
      h("label", { class: "choice" }, yes, " 是"), h("label", { class: "choice" }, no, " 否"));
    const w = fieldBox(name, label, true, group, null);
    w.get = () => (yes.checked ? true : no.checked ? false : undefined);
    return w;
  }
  const id = nextId(name);
  const box = h("input", { type: "checkbox", id, name, checked: schema.default === true });
  const row = h("label", { class: "check-row" }, box, " ", label);
  const errors = h("p", { class: "field-error", hidden: true });
  const w = { box: h("div", { class: "field", dataset: { field: name } }, row, errors), errors };
  w.get = () => box.checked;
  return w;
}

function numberWidget(name, schema, ctx, required, integer) {
  const id = nextId(name);
  const input = h("input", {
    id, name, type: "text", inputmode: integer ? "numeric" : "decimal", autocomplete: "off",
    placeholder: schema.minimum !== undefined && schema.maximum !== undefined ? `${schema.minimum}–${schema.maximum}` : null,
  });
  if (typeof schema.default === "number") input.value = schema.default;
  const w = fieldBox(name, labelOf(name, schema), required, input, null);
  w.input = input;
  w.get = () => {
    const text = input.value.trim();
    if (text === "") return undefined;
    if (integer) return /^-?\d+$/.test(text) ? Number(text) : text;
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  };
  return w;
}

function textWidget(name, schema, ctx, required) {
  const id = nextId(name);
  const isDate = schema.format === "date";
  const input = LONG_TEXT.has(name)
    ? h("textarea", { id, name, rows: 3 })
    : h("input", { id, name, type: isDate ? "date" : "text", autocomplete: "off" });
  if (isDate) input.value = today();
  else if (typeof schema.default === "string") input.value = schema.default;
  const w = fieldBox(name, labelOf(name, schema), required, input, null);
  w.get = () => input.value.trim() || undefined;
  return w;
}

function multiChoiceWidget(name, schema, ctx, required, nullable) {
  const names = namesFor(ctx, name);
  const boxes = schema.items.enum.map((v) => h("input", { type: "checkbox", value: v }));
  const list = h("div", { class: "checks" },
    boxes.map((box, i) => h("label", { class: "check-row" }, box, " ", names[box.value] || box.value)));
  const hint = schema.description && CJK.test(schema.description) ? schema.description : null;
  const w = fieldBox(name, labelOf(name, schema), required, list, hint);
  w.get = () => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    return chosen.length || !nullable ? chosen : undefined;
  };
  return w;
}

function linesWidget(name, schema, ctx, required) {
  const id = nextId(name);
  const area = h("textarea", { id, name, rows: 2 });
  const w = fieldBox(name, labelOf(name, schema), required, area, "每行一项");
  w.get = () => {
    const lines = area.value.split(/\n|，|,/).map((s) => s.trim()).filter(Boolean);
    return lines.length || required ? lines : undefined;
  };
  return w;
}

// --- the widgets shaped for one kind --------------------------------------------------------

function screeningItemsWidget(name, schema, ctx) {
  const kinds = ctx.forms.codes?.screening_item_kinds || [];
  const levelNames = codeNames(ctx.forms, "item_levels");
  const rows = kinds.map((k) => {
    const box = h("input", { type: "checkbox", value: k.code });
    const count = h("input", { type: "text", inputmode: "numeric", value: "1", class: "count",
                               "aria-label": `${k.name}的处数` });
    const countBox = h("span", { class: "count-box", hidden: true }, count, " 处");
    box.addEventListener("change", () => { countBox.hidden = !box.checked; });
    const row = h("div", { class: `item-row level-${k.level}` },
      h("label", { class: "check-row" }, box, " ", k.name), countBox);
    return { k, box, count, row };
  });
  const groups = ["serious", "general"].map((level) => {
    const mine = rows.filter((r) => r.k.level === level);
    return mine.length ? h("div", { class: "item-group" },
      h("p", { class: "group-title" }, levelNames[level] || level), mine.map((r) => r.row)) : null;
  });
  const list = h("div", { class: "items" }, groups);
  const w = fieldBox(name, labelOf(name, schema), false, list, "勾选发现的隐患；同一一般隐患出现 3 处及以上按严重计");
  w.get = () => rows.filter((r) => r.box.checked).map((r) => {
    const text = r.count.value.trim();
    return { kind: r.k.code, level: r.k.level, count: /^\d+$/.test(text) ? Number(text) : text };
  });
  return w;
}

function shown(value, field) {
  if (value === null || value === undefined || value === "") return "未填";
  if (typeof value === "boolean") return value ? "是" : "否";
  const choice = (field.choices || []).find((c) => c.code === value);
  return choice ? choice.name : String(value);
}

function recordedValue(house, name) {
  if (name in house) return house[name];
  return { floors: house.storeys }[name];
}

function observedInput(field, id) {
  if (field.type === "choice") {
    return h("select", { id }, h("option", { value: "" }, "请选择实地情况"),
      (field.choices || []).map((c) => h("option", { value: c.code }, c.name)));
  }
  if (field.type === "bool") {
    return h("select", { id }, h("option", { value: "" }, "请选择"),
      h("option", { value: "true" }, "是"), h("option", { value: "false" }, "否"));
  }
  const numeric = field.type === "int" || field.type === "decimal";
  return h("input", { id, type: "text", inputmode: numeric ? (field.type === "int" ? "numeric" : "decimal") : "text",
                      autocomplete: "off", placeholder: "实地所见" });
}

function observedValue(field, el) {
  const text = el.value.trim();
  if (text === "") return null;
  if (field.type === "bool") return text === "true";
  if (field.type === "int") return /^-?\d+$/.test(text) ? Number(text) : text;
  if (field.type === "decimal") return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return text;
}

/** 点对点核实比对: each field of the record beside what is seen on site; a difference needs
 *  the value seen and its reason. Fields left untouched are neither confirmed nor disputed. */
function verificationWidget(ctx) {
  const fields = ctx.forms.codes?.verification_fields || [];
  const rows = fields.map((field) => {
    const id = nextId(field.field);
    const name = `${id}-same`;
    const same = h("input", { type: "radio", name, value: "same" });
    const differs = h("input", { type: "radio", name, value: "differs" });
    const observed = observedInput(field, `${id}-observed`);
    const reason = h("input", { type: "text", id: `${id}-reason`, autocomplete: "off", placeholder: "不一致的原因" });
    const detail = h("div", { class: "differs", hidden: true },
      h("label", { for: `${id}-observed` }, "实地值"), observed,
      h("label", { for: `${id}-reason` }, "原因"), reason);
    const errors = h("p", { class: "field-error", hidden: true });
    const row = h("div", { class: "compare-row", id: `row-${field.field}`, dataset: { field: field.field } },
      h("div", { class: "compare-head" },
        h("span", { class: "compare-label" }, field.label),
        h("span", { class: "compare-recorded" }, "记录：", shown(recordedValue(ctx.house, field.field), field))),
      h("div", { class: "choice-row" },
        h("label", { class: "choice" }, same, " 一致"), h("label", { class: "choice" }, differs, " 不一致")),
      detail, errors);
    for (const radio of [same, differs]) {
      radio.addEventListener("change", () => { detail.hidden = !differs.checked; });
    }
    return { field, same, differs, observed, reason, row, errors };
  });
  const box = h("div", { class: "field compare" }, h("p", { class: "field-label" }, "逐项核对（与记录一致或不一致）"),
    rows.map((r) => r.row));
  return {
    box,
    errors: h("p"),
    names: ["differences", "confirmed"],
    get() {
      return {
        differences: rows.filter((r) => r.differs.checked).map((r) => ({
          field: r.field.field, observed: observedValue(r.field, r.observed), reason: r.reason.value.trim(),
        })),
        confirmed: rows.filter((r) => r.same.checked).map((r) => r.field.field),
      };
    },
    // The comparison's own completeness: a difference says what was seen, and why.
    check() {
      const errors = [];
      for (const r of rows) {
        if (!r.differs.checked) continue;
        if (observedValue(r.field, r.observed) === null) {
          errors.push({ field: `differences.${r.field.field}`, message: `请填写${r.field.label}的实地值` });
        }
        if (!r.reason.value.trim()) {
          errors.push({ field: `differences.${r.field.field}`, message: `请填写${r.field.label}不一致的原因` });
        }
      }
      return errors;
    },
    showRowErrors(byField) {
      for (const r of rows) {
        const messages = byField[r.field.field] || [];
        r.errors.hidden = !messages.length;
        r.errors.textContent = messages.join("；");
        r.row.classList.toggle("has-error", messages.length > 0);
      }
    },
  };
}

function villageWidget(name, schema, ctx, required) {
  const villages = new Map();
  for (const house of ctx.houses) villages.set(house.division_code, house.division_name);
  const id = nextId(name);
  const select = h("select", { id, name }, h("option", { value: "" }, "请选择"),
    [...villages].sort().map(([code, label]) => h("option", { value: code }, label || code)));
  if (villages.size === 1) select.value = [...villages.keys()][0];
  const w = fieldBox(name, labelOf(name, schema), required, select, null);
  w.get = () => (select.value === "" ? undefined : select.value);
  return w;
}

function householdWidget(name, schema, ctx, required) {
  const households = new Map();
  for (const house of ctx.houses) {
    if (house.household_id) households.set(house.household_id, `${house.head_name || "户"}（${house.division_name}）`);
  }
  const id = nextId(name);
  const select = h("select", { id, name }, h("option", { value: "" }, "（不选：无户主登记）"),
    [...households].sort((a, b) => a[1].localeCompare(b[1], "zh")).map(([hid, label]) => h("option", { value: hid }, label)));
  const w = fieldBox(name, labelOf(name, schema), required, select, "从本机已下载的农户中选择");
  w.get = () => (select.value === "" ? undefined : Number(select.value));
  return w;
}

function widgetFor(name, raw, ctx, required) {
  const schema = nonNull(raw, ctx.schema);
  const nullable = Boolean((resolve(raw, ctx.schema).anyOf || []).some((o) => o.type === "null"));
  if (ctx.kind === "screening" && name === "items") return screeningItemsWidget(name, schema, ctx);
  if (ctx.kind === "new_house" && name === "division_code") return villageWidget(name, schema, ctx, required);
  if (ctx.kind === "new_house" && name === "household_id") return householdWidget(name, schema, ctx, required);
  if (schema.enum) return selectWidget(name, schema, ctx, required);
  const options = (resolve(raw, ctx.schema).anyOf || []).map((o) => resolve(o, ctx.schema).type);
  if (options.includes("number")) return numberWidget(name, schema, ctx, required, false);
  switch (schema.type) {
    case "boolean": return booleanWidget(name, schema, ctx, required);
    case "integer": return numberWidget(name, schema, ctx, required, true);
    case "number": return numberWidget(name, schema, ctx, required, false);
    case "string": return textWidget(name, schema, ctx, required);
    case "array": {
      const items = resolve(schema.items || {}, ctx.schema);
      if (items.enum) return multiChoiceWidget(name, { ...schema, items }, ctx, required, nullable);
      if (items.type === "string") return linesWidget(name, schema, ctx, required);
      return null;
    }
    default: return null;
  }
}

// --- the form -------------------------------------------------------------------------------

/** A capture form for `kind`; onSave({payload, photoHashes, gps}) queues it. */
export function buildForm({ kind, forms, house, houses, onSave, onCancel }) {
  const def = forms.kinds[kind];
  const schema = def.schema;
  const ctx = { kind, forms, house, houses, schema };
  const required = new Set(schema.required || []);
  const widgets = [];
  let compare = null;
  for (const [name, raw] of Object.entries(schema.properties || {})) {
    if (HIDDEN.has(name)) continue;
    if (kind === "verification" && (name === "differences" || name === "confirmed")) {
      if (!compare) { compare = verificationWidget(ctx); widgets.push(compare); }
      continue;
    }
    const widget = widgetFor(name, raw, ctx, required.has(name));
    if (widget) { widget.name = name; widgets.push(widget); }
  }
  const gps = gpsWidget(forms, (fix) => {
    // A new house takes the position where it is recorded, unless one is typed in.
    for (const w of widgets) {
      if ((w.name === "lat" || w.name === "lng") && w.input && !w.input.value) w.input.value = fix[w.name];
    }
  });
  const pictures = photosWidget(forms);
  const summary = h("div", { class: "form-errors", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "primary big" }, "保存到待发送队列");
  const cancel = h("button", { type: "button", class: "big" }, "取消");
  cancel.addEventListener("click", () => { pictures.release(); onCancel?.(); });

  const form = h("form", { class: "capture", novalidate: true, dataset: { kind } },
    h("h2", {}, def.label, house ? h("small", { class: "muted" }, ` · ${house.address}`) : null),
    summary, widgets.map((w) => w.box), pictures.box, gps.box,
    h("div", { class: "form-actions" }, save, cancel));

  function collect() {
    const payload = {};
    if (house && required.has("house_id")) payload.house_id = house.id;
    for (const w of widgets) {
      const value = w.get();
      if (w === compare) Object.assign(payload, value);
      else if (value !== undefined) payload[w.name] = value;
    }
    return payload;
  }

  function display(errors) {
    const byName = {};
    const byCompareField = {};
    const payload = collect();
    for (const e of errors) {
      const [head, index] = (e.field || "").replace(/\[(\d+)\]/g, ".$1").split(".");
      if (head === "differences" && compare) {
        const field = /^\d+$/.test(index || "") ? payload.differences[+index]?.field : index;
        (byCompareField[field] ||= []).push(e.message);
      }
      (byName[head] ||= []).push(e.message);
    }
    for (const w of widgets) {
      if (w === compare) compare.showRowErrors(byCompareField);
      else showErrors(w, byName[w.name] || []);
    }
    showErrors({ box: gps.box, errors: gps.errors }, byName.lat || []);
    summary.hidden = !errors.length;
    replace(summary, errors.length ? [h("p", {}, `有 ${errors.length} 处需要修改：`),
      h("ul", {}, errors.map((e) => h("li", {}, e.message)))] : []);
    if (errors.length) summary.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (save.disabled) return;
    save.disabled = true;
    // A save pressed while a photo is still being shrunk waits for it rather than dropping
    // the press or the photo.
    if (pictures.busy()) await pictures.idle();
    save.disabled = false;
    const payload = collect();
    // The server's schema first; then what only this form can know (a difference's reason
    // and value, a typed position).
    const errors = [...validate(schema, payload), ...(compare ? compare.check() : []), ...gps.check()];
    display(errors);
    if (errors.length) return;
    save.disabled = true;
    try {
      await onSave({ payload, photoHashes: pictures.get(), photoSources: pictures.sources(),
                     gps: gps.get() });
      pictures.release();
    } catch (error) {
      display([{ field: "", message: `保存失败：${error.message}` }]);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

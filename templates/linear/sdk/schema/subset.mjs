// Prints the part of Linear's schema that the chosen @linear/sdk documents select.
import fs from 'node:fs';
import { print, buildSchema, parse, validate, visit, TypeInfo, visitWithTypeInfo, getNamedType,
  isObjectType, isInputObjectType, isEnumType, isScalarType, isUnionType, isInterfaceType,
  printType, GraphQLSchema } from 'graphql';
const [schemaPath, docsPath, namesPath] = process.argv.slice(2);
import { extendSchema } from 'graphql';
const overlayPath = process.argv[5];
const unservedPath = process.argv[6];
let schema = buildSchema(fs.readFileSync(schemaPath, 'utf8'));
if (overlayPath) schema = extendSchema(schema, parse(fs.readFileSync(overlayPath, 'utf8')));
const docs = JSON.parse(fs.readFileSync(docsPath, 'utf8'));
const names = fs.readFileSync(namesPath, 'utf8').split(/\s+/).filter(Boolean);
const used = new Map(); // type -> Set(field)
const touch = (t, f) => { if (!used.has(t)) used.set(t, new Set()); if (f) used.get(t).add(f); };
for (const name of names) {
  // `Type.field`: a field no SDK document selects that a user may still send (rawRequest).
  if (name.includes('.')) { const [t, f] = name.split('.'); touch(t, f); continue; }
  const doc = parse(docs[name]);
  const errors = validate(schema, doc);
  for (const e of errors) console.error(name + ': ' + e.message);
  const info = new TypeInfo(schema);
  visit(doc, visitWithTypeInfo(info, {
    Field(node) {
      const parent = info.getParentType();
      if (parent && !node.name.value.startsWith('__')) touch(parent.name, node.name.value);
    },
    InlineFragment(node) { if (node.typeCondition) touch(node.typeCondition.name.value); },
    FragmentDefinition(node) { touch(node.typeCondition.name.value); },
  }));
}
// An object keeps every field of the interfaces it implements that the documents select, so
// that it still implements them.
for (const t of [...used.keys()]) {
  const type = schema.getType(t);
  if (!isInterfaceType(type)) continue;
  for (const member of schema.getPossibleTypes(type)) {
    if (!used.has(member.name)) continue;
    for (const f of used.get(t)) touch(member.name, f);
  }
}
// Relay edges for every connection the documents reach.
for (const t of [...used.keys()]) {
  if (!t.endsWith('Connection') || !schema.getType(t).getFields().edges) continue;
  touch(t, 'edges');
  const edge = getNamedType(schema.getType(t).getFields().edges.type).name;
  touch(edge, 'node'); touch(edge, 'cursor');
}
// Closure: output types of used fields, argument/input types.
const inputs = new Set(), enums = new Set(), scalars = new Set();
const addInput = (t) => {
  const n = getNamedType(t);
  if (isInputObjectType(n)) { if (inputs.has(n.name)) return; inputs.add(n.name);
    for (const f of Object.values(n.getFields())) addInput(f.type); }
  else if (isEnumType(n)) enums.add(n.name); else if (isScalarType(n)) scalars.add(n.name);
};
for (const [t, fields] of used) {
  const type = schema.getType(t);
  if (!isObjectType(type) && !isInterfaceType(type)) continue;
  for (const f of fields) {
    const field = type.getFields()[f];
    if (!field) continue;
    const out = getNamedType(field.type);
    if (isEnumType(out)) enums.add(out.name); else if (isScalarType(out)) scalars.add(out.name);
    else if (!used.has(out.name)) touch(out.name);
    for (const a of field.args) addInput(a.type);
  }
}
const out = [];
const builtin = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);
for (const s of [...scalars].sort()) if (!builtin.has(s)) out.push(printType(schema.getType(s)));
for (const e of [...enums].sort()) out.push(printType(schema.getType(e)));
for (const i of [...inputs].sort()) out.push(printType(schema.getType(i)));
for (const t of [...used.keys()].sort()) {
  const type = schema.getType(t);
  if (isUnionType(type)) {
    const members = type.getTypes().filter(m => used.has(m.name)).map(m => m.name);
    out.push(`union ${t} = ${members.join(' | ')}`); continue;
  }
  const fields = type.getFields();
  const keep = [...used.get(t)].filter(f => fields[f]).sort();
  const body = keep.map(f => print(fields[f].astNode).split('\n').map(l => '  ' + l).join('\n'));
  const interfaces = type.getInterfaces().filter(i => used.has(i.name)).map(i => i.name);
  const implementing = interfaces.length ? ` implements ${interfaces.join(' & ')}` : '';
  out.push(`${isInterfaceType(type) ? 'interface' : 'type'} ${t}${implementing} {\n${body.join('\n')}\n}`);
}
console.log(out.join('\n\n'));
// Linear's root fields the documents do not select: the clone answers a request naming one
// with an error saying it is not implemented.
if (unservedPath) {
  const unserved = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    const served = used.get(root.name) ?? new Set();
    for (const f of Object.keys(root.getFields()).sort()) if (!served.has(f)) unserved.push(`${root.name}.${f}`);
  }
  fs.writeFileSync(unservedPath, unserved.join('\n') + '\n');
}

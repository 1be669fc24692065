#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Compare what pl-ctl copies by hand from the YNL spec with the spec.
#
#   tools/ynl/check-ctl-spec.py [--spec FILE] [--ctl DIR]
#
# tools/pl-ctl/spec.c names what the uapi header has only as numbers: the
# value names of every enum, the attribute names of every attribute set
# (and the set a nest holds), the attribute set of every command, and the
# ranges that the spec's checks give numbers. The keyword tables of the
# other files (struct pl_kw) tie each keyword to an attribute, a parser
# and a range or an enum. Both are read with regexes that know the shape
# of these designated initializers, and compared with the spec:
#
#   enums      every entry of every enum, under its own constant
#   sets       every attribute of every set, with the nest's set; the
#              set's _MAX constant
#   commands   the set of every command (a notification: its notify's)
#   ranges     the comment above each struct pl_range names the
#              attributes it checks ("set.attr") and their checks ("min
#              1, max weight-max"); its { min, max } must be what those
#              checks give (no min: 0; no max: what the type holds)
#   keywords   the parser fits the attribute's type; a range or an enum
#              is the attribute's; a number without a range has no checks
#
# It prints each difference, as FILE:LINE: message, and exits 1; nothing
# when they agree. The C names follow ynl-gen-c.py: PL_A_<SET>_<ATTR>,
# PL_<ENUM>_<ENTRY>, PL_CMD_<OP>, PL_<CONST>.

import argparse
import os
import re
import sys

import yaml

TYPE_MAX = {'u8': 0xff, 'u16': 0xffff, 'u32': 0xffffffff,
            'u64': 0xffffffffffffffff}


def rel(path, top):
    """path from the top of the tree, when it is in the tree."""
    r = os.path.relpath(path, top)
    return path if r.startswith('..') else r


def c_upper(name):
    return name.upper().replace('-', '_')


class Spec:
    """The names and numbers of the spec, keyed by their C constants."""

    def __init__(self, path):
        with open(path, encoding='utf-8') as f:
            self.y = yaml.safe_load(f)
        y = self.y
        fam = y['name'].replace('-', '_')
        if y.get('msg-id-model', 'unified') != 'unified':
            raise SystemExit(f'{path}: only the unified msg-id-model is known')

        self.consts = {}        # 'weight-max' -> 256
        self.const_c = {}       # 'PL_WEIGHT_MAX' -> 256
        self.enums = {}         # 'az-state' -> ['up', 'down']
        self.enum_c = {}        # 'PL_AZ_STATE_UP' -> ('az-state', 'up')
        for d in y.get('definitions', []):
            if d['type'] == 'const':
                self.consts[d['name']] = d['value']
                pfx = d.get('name-prefix', f'{fam}-')
                self.const_c[c_upper(pfx + d['name'])] = d['value']
            elif d['type'] == 'enum':
                pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
                names = [e['name'] if isinstance(e, dict) else e
                         for e in d['entries']]
                self.enums[d['name']] = names
                for n in names:
                    self.enum_c[c_upper(pfx + n)] = (d['name'], n)

        self.sets = {}          # 'az' -> {'name': {yaml}, ...}, in order
        self.set_max = {}       # 'az' -> 'PL_A_AZ_MAX'
        self.attr_c = {}        # 'PL_A_AZ_NAME' -> ('az', 'name')
        for s in y['attribute-sets']:
            if 'subset-of' in s:
                raise SystemExit(f"{path}: subset-of ({s['name']}) is not "
                                 'known')
            pfx = s.get('name-prefix', f"{fam}-a-{s['name']}-")
            self.sets[s['name']] = {a['name']: a for a in s['attributes']}
            self.set_max[s['name']] = c_upper(s.get('attr-max-name',
                                                    pfx + 'max'))
            for a in s['attributes']:
                self.attr_c[c_upper(pfx + a['name'])] = (s['name'], a['name'])

        ops = y['operations']
        pfx = ops.get('name-prefix', f'{fam}-cmd-')
        self.cmd_max = c_upper(y.get('cmd-max-name', pfx + 'max'))
        self.ops = []           # [(value, name, attribute set)]
        self.op_c = {}          # 'PL_CMD_AZ_ADD' -> value
        by_name = {op['name']: op for op in ops['list']}
        val = 1
        for op in ops['list']:
            val = op.get('value', val)
            src = by_name[op['notify']] if 'notify' in op else op
            self.ops.append((val, op['name'], src.get('attribute-set')))
            self.op_c[c_upper(pfx + op['name'])] = val
            val += 1

    def value(self, v):
        """A check's value: a number, or the name of a const."""
        return self.consts[v] if isinstance(v, str) else v

    def attr(self, ref):
        s, a = ref
        return self.sets[s][a]

    def range(self, ref):
        """The values the checks of an attribute let through."""
        a = self.attr(ref)
        checks = a.get('checks', {})
        lo = self.value(checks.get('min', 0))
        hi = self.value(checks.get('max', TYPE_MAX.get(a['type'], 0)))
        return lo, hi


class Report:
    def __init__(self, top):
        self.top = top
        self.n = 0

    def __call__(self, path, text, pos, msg):
        line = text.count('\n', 0, pos) + 1
        print(f'{rel(path, self.top)}:{line}: {msg}')
        self.n += 1


def c_number(spec, s):
    """The value of a C expression of spec.c: a literal or a const."""
    s = s.strip()
    if s in spec.const_c:
        return spec.const_c[s]
    m = re.fullmatch(r'(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*', s)
    return int(m.group(1), 0) if m else None


def strip_comments(text):
    """Blank out comments, keeping offsets (and so line numbers)."""
    return re.sub(r'/\*.*?\*/|//[^\n]*',
                  lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text,
                  flags=re.S)


def check_enums(spec, path, text, code, report):
    """Return {table: spec enum or None} and {struct pl_enum: table}."""
    tables = {}
    for m in re.finditer(r'static const char \*\s*const (\w+)\[\w*\] = '
                         r'\{(.*?)\};', code, re.S):
        var, body, at = m.group(1), m.group(2), m.start(2)
        entries = list(re.finditer(r'\[(\w+)\]\s*=\s*"([^"]*)"', body))
        if not entries:
            # Names of pl-ctl's own (on_off), by position.
            tables[var] = (None, len(re.findall(r'"[^"]*"', body)))
            continue
        if len(entries) != len(re.findall(r'"[^"]*"', body)):
            report(path, text, m.start(), f'{var}: a name without its '
                   'enum constant')
        enum = None
        seen = set()
        for e in entries:
            key, name = e.group(1), e.group(2)
            pos = at + e.start()
            if key not in spec.enum_c:
                report(path, text, pos, f'{var}: {key} is no enum value '
                       'of the spec')
                continue
            en, want = spec.enum_c[key]
            if enum is None:
                enum = en
            elif en != enum:
                report(path, text, pos, f'{var}: {key} is of enum {en}, '
                       f'not {enum}')
                continue
            if name != want:
                report(path, text, pos, f'{var}: {key} is "{want}" in the '
                       f'spec (enum {en}), not "{name}"')
            seen.add(want)
        if enum is None:
            continue
        for n in spec.enums[enum]:
            if n not in seen:
                report(path, text, m.start(), f'{var}: lacks "{n}" of enum '
                       f'{enum}')
        tables[var] = (enum, len(spec.enums[enum]))

    for en in spec.enums:
        if en not in [t[0] for t in tables.values()]:
            report(path, text, 0, f'no names for enum {en} of the spec')

    structs = {}
    for m in re.finditer(r'const struct pl_enum (\w+) = \{\s*(\w+),\s*'
                         r'ARRAY_SIZE\((\w+)\)\s*\};', code):
        var, names, size = m.groups()
        if names != size or names not in tables:
            report(path, text, m.start(), f'{var}: not {{ T, ARRAY_SIZE(T) }}'
                   ' of a table of names')
            continue
        structs[var] = names
    return tables, structs


def check_sets(spec, path, text, code, report):
    """Return {struct pl_set: spec attribute set}."""
    tables = {}             # az_attrs -> ('az', [(attr, nest, pos)...])
    for m in re.finditer(r'static const struct pl_attr (\w+)\[\w*\] = '
                         r'\{(.*?)\};', code, re.S):
        var, body, at = m.group(1), m.group(2), m.start(2)
        entries = list(re.finditer(r'\[(\w+)\]\s*=\s*\{\s*"([^"]*)"\s*,'
                                   r'\s*(NULL|&\w+)\s*\}', body))
        if len(entries) != len(re.findall(r'\[\w+\]\s*=', body)):
            report(path, text, m.start(), f'{var}: an entry that is not '
                   '[PL_A_...] = { "name", NULL or &set }')
        aset = None
        seen = set()
        nests = []
        for e in entries:
            key, name, nest = e.groups()
            pos = at + e.start()
            if key not in spec.attr_c:
                report(path, text, pos, f'{var}: {key} is no attribute of '
                       'the spec')
                continue
            s, want = spec.attr_c[key]
            if aset is None:
                aset = s
            elif s != aset:
                report(path, text, pos, f'{var}: {key} is of set {s}, not '
                       f'{aset}')
                continue
            if name != want:
                report(path, text, pos, f'{var}: {key} is "{want}" in the '
                       f'spec (set {s}), not "{name}"')
            seen.add(want)
            nests.append((want, nest, pos))
        if aset is None:
            report(path, text, m.start(), f'{var}: no attribute of the spec')
            continue
        for a in spec.sets[aset]:
            if a not in seen:
                report(path, text, m.start(), f'{var}: lacks "{a}" of set '
                       f'{aset}')
        tables[var] = (aset, nests)

    for aset in spec.sets:
        if aset not in [t[0] for t in tables.values()]:
            report(path, text, 0, f'no names for attribute set {aset} of '
                   'the spec')

    sets = {}
    for m in re.finditer(r'static const struct pl_set (\w+) = \{\s*(\w+)\s*,'
                         r'\s*(\w+)\s*\};', code):
        var, mx, attrs = m.groups()
        if attrs not in tables:
            report(path, text, m.start(), f'{var}: {attrs} is no table of '
                   'attributes')
            continue
        aset = tables[attrs][0]
        if mx != spec.set_max[aset]:
            report(path, text, m.start(), f'{var}: the largest attribute of '
                   f'set {aset} is {spec.set_max[aset]}, not {mx}')
        sets[var] = aset

    for var, (aset, nests) in tables.items():
        for a, nest, pos in nests:
            want = spec.sets[aset][a].get('nested-attributes')
            if spec.sets[aset][a]['type'] != 'nest':
                want = None
            got = sets.get(nest[1:]) if nest != 'NULL' else None
            if nest != 'NULL' and got is None:
                report(path, text, pos, f'{var}: {nest[1:]} is no set')
            elif got != want:
                report(path, text, pos, f'{var}: {aset}.{a} nests '
                       f'{want or "nothing"} in the spec, not '
                       f'{got or "nothing"}')
    return sets


def check_cmds(spec, path, text, code, sets, report):
    m = re.search(r'static const struct pl_set \*\s*const \w+\[(\w+)\s*\+\s*1'
                  r'\] = \{(.*?)\};', code, re.S)
    if not m:
        report(path, text, 0, 'no table of the set of each command '
               '([PL_CMD_MAX + 1])')
        return
    if m.group(1) != spec.cmd_max:
        report(path, text, m.start(), f'the table of commands is sized by '
               f'{m.group(1)}, not {spec.cmd_max}')
    if len(re.findall(r'&\w+', m.group(2))) != len(re.findall(
            r'\[\w+(?:\s*\.\.\.\s*\w+)?\]\s*=\s*&\w+', m.group(2))):
        report(path, text, m.start(), 'an entry of the table of commands '
               'that is not [PL_CMD_...] (or [PL_CMD_... ... PL_CMD_...]) '
               '= &set')
    names = {v: n for v, n, _ in spec.ops}
    mapped = {}             # command value -> (set, pos)
    for e in re.finditer(r'\[(\w+)(?:\s*\.\.\.\s*(\w+))?\]\s*=\s*&(\w+)',
                         m.group(2)):
        first, last, var = e.groups()
        pos = m.start(2) + e.start()
        bad = [c for c in (first, last) if c and c not in spec.op_c]
        if bad:
            report(path, text, pos, f'{" and ".join(bad)}: no command of the '
                   'spec')
            continue
        if var not in sets:
            report(path, text, pos, f'{var} is no set')
            continue
        lo = spec.op_c[first]
        hi = spec.op_c[last] if last else lo
        if hi < lo:
            report(path, text, pos, f'{first} ... {last}: an empty range')
        for v in range(lo, hi + 1):
            if v in mapped:
                report(path, text, pos, f'command {names.get(v, v)} has a '
                       'set twice')
            mapped[v] = (sets[var], pos)
    for v, name, want in spec.ops:
        if v not in mapped:
            report(path, text, m.start(), f'no set for command {name}')
            continue
        got, pos = mapped[v]
        if got != want:
            report(path, text, pos, f'command {name} has set {want} in the '
                   f'spec, not {got}')
    for v, (got, pos) in mapped.items():
        if v not in names:
            report(path, text, pos, f'command {v} is not in the spec')


def check_ranges(spec, path, text, report):
    """Return {struct pl_range: [(set, attr)...]}."""
    ranges = {}
    for m in re.finditer(r'(?:/\*((?:(?!\*/).)*)\*/\s*)?const struct pl_range'
                         r' (\w+) = \{\s*([^,{}]+?)\s*,\s*([^,{}]+?)\s*\};',
                         text, re.S):
        comment, var, cmin, cmax = m.groups()
        refs = re.findall(r'\b([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)\b',
                          comment or '')
        ranges[var] = []
        if not refs:
            report(path, text, m.start(2), f'{var}: no comment that names '
                   'the attributes it checks ("set.attr")')
            continue
        good = []
        for ref in refs:
            if ref[0] not in spec.sets or ref[1] not in spec.sets[ref[0]]:
                report(path, text, m.start(), f'{var}: {".".join(ref)} is no '
                       'attribute of the spec')
            else:
                good.append(ref)
        ranges[var] = good
        said = dict(re.findall(r'\b(min|max) ([\w-]+)', comment))
        got = (c_number(spec, cmin), c_number(spec, cmax))
        if None in got:
            report(path, text, m.start(2), f'{var}: cannot tell the value of '
                   f'{{ {cmin}, {cmax} }}')
            continue
        for ref in good:
            name = '.'.join(ref)
            checks = {k: str(v) for k, v in spec.attr(ref).get('checks',
                                                                {}).items()
                      if k in ('min', 'max')}
            if said != checks:
                spoken = ', '.join(f'{k} {v}' for k, v in checks.items())
                report(path, text, m.start(), f'{var}: the checks of {name} '
                       f'are "{spoken or "none"}" in the spec')
            want = spec.range(ref)
            if got != want:
                report(path, text, m.start(2), f'{var}: {name} takes '
                       f'{want[0]}..{want[1]} in the spec, not '
                       f'{got[0]}..{got[1]} ({{ {cmin}, {cmax} }})')
    return ranges


# What each generic keyword parser puts: the attribute types it fits.
KW_TYPES = {'kw_string': ('string',), 'kw_u16': ('u16',),
            'kw_u32': ('u32',), 'kw_enum': ('u8',), 'kw_addr': ('u32',)}


def check_kws(spec, path, text, enums, structs, ranges, report):
    code = strip_comments(text)
    for m in re.finditer(r'\{\s*"[^"]*"\s*,\s*kw_\w+\s*,(?!\s*\w+\s*,\s*'
                         r'(?:NULL|&\w+)\s*,)', code):
        report(path, text, m.start(), 'a keyword that is not { "name", '
               'kw_..., attribute, NULL or &arg, flags }')
    for m in re.finditer(r'\{\s*"([^"]*)"\s*,\s*(kw_\w+)\s*,\s*(\w+)\s*,'
                         r'\s*(NULL|&\w+)\s*,', code):
        kw, parse, key, arg = m.groups()
        what = f'keyword "{kw}"'
        if key == '0':
            continue
        if key not in spec.attr_c:
            report(path, text, m.start(), f'{what}: {key} is no attribute of '
                   'the spec')
            continue
        ref = spec.attr_c[key]
        name = '.'.join(ref)
        a = spec.attr(ref)
        if parse in KW_TYPES and a['type'] not in KW_TYPES[parse]:
            report(path, text, m.start(), f'{what}: {parse} for {name}, a '
                   f'{a["type"]}')
        arg = None if arg == 'NULL' else arg[1:]
        if parse in ('kw_u16', 'kw_u32'):
            checks = ', '.join(f'{k} {v}' for k, v in
                               a.get('checks', {}).items()
                               if k in ('min', 'max'))
            if arg is None and checks:
                report(path, text, m.start(), f'{what}: {name} has checks in '
                       f'the spec ({checks}) but no range')
            elif arg is not None and arg not in ranges:
                report(path, text, m.start(), f'{what}: {arg} is no range')
            elif arg is not None and ref not in ranges[arg]:
                report(path, text, m.start(), f'{what}: {arg} is not said to '
                       f'check {name}')
        elif parse == 'kw_enum':
            enum, n = enums.get(structs.get(arg), (None, None))
            if n is None:
                report(path, text, m.start(), f'{what}: {arg} is no enum')
            elif enum is not None and a.get('enum') != enum:
                report(path, text, m.start(), f'{what}: {name} takes enum '
                       f'{a.get("enum") or "none"} in the spec, not {enum}')
            elif enum is None and (a.get('enum') or
                                   spec.range(ref) != (0, n - 1)):
                lo, hi = spec.range(ref)
                report(path, text, m.start(), f'{what}: {name} takes '
                       f'{lo}..{hi} in the spec, not the {n} values of {arg}')


def main():
    top = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
    ap = argparse.ArgumentParser(description='Compare pl-ctl with the spec.')
    ap.add_argument('--spec', default=os.path.join(
        top, 'Documentation/netlink/specs/pl.yaml'))
    ap.add_argument('--ctl', default=os.path.join(top, 'tools/pl-ctl'))
    args = ap.parse_args()

    spec = Spec(args.spec)
    report = Report(top)
    path = os.path.join(args.ctl, 'spec.c')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    code = strip_comments(text)
    enums, structs = check_enums(spec, path, text, code, report)
    sets = check_sets(spec, path, text, code, report)
    check_cmds(spec, path, text, code, sets, report)
    ranges = check_ranges(spec, path, text, report)

    for name in sorted(os.listdir(args.ctl)):
        if name.endswith('.c'):
            p = os.path.join(args.ctl, name)
            with open(p, encoding='utf-8') as f:
                check_kws(spec, p, f.read(), enums, structs, ranges, report)

    if report.n:
        print(f'check-ctl-spec: {report.n} difference(s) between '
              f'{rel(args.ctl, top)} and {rel(args.spec, top)}',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Copy named kernel definitions, verbatim, from a kernel tree into a build dir.

Nothing is rewritten: each item is copied byte for byte with a #line directive
pointing at its file and line in the tree, so compiler errors and warnings name
the kernel's own source. What to copy is a recipe (recipes/*.rcp, grammar in
HACKING.md); the recipe whose `detect` lines all hold for the tree is used.

    kextract.py --ksrc TREE --out DIR [--recipe NAME] [--list]
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# The kernel configuration the harness models (DATA.md: x86_64, Hyper-V and
# SGX for KVM on, PROVE_VE off). Used to choose between #if branches when a
# name is defined more than once; the same set is given to the compiler.
CONFIG = {
    'CONFIG_X86_64': 1, 'CONFIG_X86': 1, 'CONFIG_HYPERV': 1,
    'CONFIG_KVM_HYPERV': 1, 'CONFIG_X86_SGX_KVM': 1, 'CONFIG_KVM_INTEL': 1,
    'CONFIG_KVM': 1, 'CONFIG_X86_LOCAL_APIC': 1, 'CONFIG_SMP': 1,
    'CONFIG_CPU_SUP_INTEL': 1, 'CONFIG_KVM_X86': 1,
}


class Item:
    __slots__ = ('kind', 'name', 'start', 'end', 'line', 'conds', 'body')

    def __init__(self, kind, name, start, end, line, conds, body=None):
        self.kind, self.name, self.start, self.end = kind, name, start, end
        self.line, self.conds, self.body = line, conds, body


def tokens(src):
    """Yield (kind, start, end) over C source: pp, comment, str, ident, punct."""
    i, n = 0, len(src)
    bol = True  # only whitespace since the start of the line
    while i < n:
        c = src[i]
        if c == '\n':
            bol = True
            i += 1
            continue
        if c in ' \t\r\f\v':
            i += 1
            continue
        if c == '#' and bol:
            j = i
            while j < n:
                if src[j] == '\n' and src[j - 1] != '\\':
                    break
                if src.startswith('/*', j):  # a comment inside a directive
                    k = src.find('*/', j + 2)
                    j = n if k < 0 else k + 2
                    continue
                j += 1
            yield ('pp', i, j)
            i = j
            continue
        bol = False
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            yield ('comment', i, j)
            i = j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            yield ('comment', i, j)
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            yield ('str', i, j + 1)
            i = j + 1
        elif c.isalpha() or c == '_':
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == '_'):
                j += 1
            yield ('ident', i, j)
            i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] in '._'):
                j += 1
            yield ('num', i, j)
            i = j
        else:
            yield ('punct', i, i + 1)
            i += 1


def pp_parts(text):
    body = re.sub(r'\\\n', ' ', text)
    body = re.sub(r'/\*.*?\*/', ' ', body, flags=re.S)
    body = re.sub(r'//.*', '', body)
    m = re.match(r'#\s*(\w*)\s*(.*)', body, re.S)
    return (m.group(1), m.group(2).strip()) if m else ('', '')


def eval_cond(expr, config):
    """Evaluate a #if expression the way cpp would under `config`
    (unknown macros are 0). Returns None if the expression is not understood."""
    e = re.sub(r'\b(?:IS_ENABLED|IS_BUILTIN|IS_REACHABLE)\s*\(\s*(\w+)\s*\)',
               lambda m: str(config.get(m.group(1), 0)), expr)
    e = re.sub(r'\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)',
               lambda m: '1' if (m.group(1) or m.group(2)) in config else '0', e)
    e = re.sub(r'\b([A-Za-z_]\w*)\b', lambda m: str(config.get(m.group(1), 0)), e)
    e = re.sub(r'(\d+)[uUlL]+\b', r'\1', e)
    e = e.replace('&&', ' and ').replace('||', ' or ')
    e = re.sub(r'!(?!=)', ' not ', e)
    try:
        return bool(eval(e, {'__builtins__': {}}, {}))
    except Exception:
        return None


def parse(src):
    """Split a file into top-level items: functions, types, variables, macros.
    Each item records the #if conditions it sits under."""
    items = []
    stack = []  # per #if level: list of condition strings that hold for this branch
    conds = []

    def cur_conds():
        out = []
        for level in stack:
            out.extend(level)
        return out

    toks = list(tokens(src))
    i = 0
    nt = len(toks)
    while i < nt:
        kind, s, e = toks[i]
        if kind == 'pp':
            d, arg = pp_parts(src[s:e])
            if d in ('if', 'ifdef', 'ifndef'):
                c = arg if d == 'if' else ('defined(%s)' % arg if d == 'ifdef'
                                           else '!defined(%s)' % arg)
                stack.append(['(%s)' % c])
                conds.append(['(%s)' % c])  # every branch condition so far, for #elif/#else
            elif d == 'elif' and stack:
                prev = conds[-1]
                stack[-1] = ['!%s' % p for p in prev] + ['(%s)' % arg]
                prev.append('(%s)' % arg)
            elif d == 'else' and stack:
                stack[-1] = ['!%s' % p for p in conds[-1]]
            elif d == 'endif' and stack:
                stack.pop()
                conds.pop()
            elif d == 'define':
                m = re.match(r'(\w+)', arg)
                if m:
                    items.append(Item('define', m.group(1), s, e, src.count('\n', 0, s) + 1,
                                      cur_conds()))
            i += 1
            continue
        if kind == 'comment':
            i += 1
            continue
        # a declaration or definition at file scope
        start = s
        depth = paren = 0
        is_func = False
        seen_rparen = seen_eq = False
        first_brace = None
        j = i
        end = None
        sig = []  # significant tokens at depth 0
        while j < nt:
            k, ts, te = toks[j]
            t = src[ts:te]
            if k == 'pp' and depth == 0 and paren == 0 and not sig:
                break
            if k == 'punct':
                if t == '{':
                    if depth == 0 and paren == 0:
                        first_brace = first_brace or ts
                        if seen_rparen and not seen_eq and not re.match(
                                r'\s*(?:typedef\s+)?(?:static\s+)?(?:const\s+)?'
                                r'(?:struct|union|enum)\s*(?:__\w+\s+)*\w*\s*$', src[start:ts]):
                            is_func = True
                    depth += 1
                elif t == '}':
                    depth -= 1
                    if depth == 0 and is_func:
                        end = te
                        j += 1
                        break
                elif t == '(':
                    paren += 1
                elif t == ')':
                    paren -= 1
                    if depth == 0 and paren == 0:
                        seen_rparen = True
                elif t == '=' and depth == 0 and paren == 0:
                    seen_eq = True
                elif t == ';' and depth == 0 and paren == 0:
                    end = te
                    j += 1
                    break
            if depth == 0 and paren == 0 and k not in ('comment', 'pp'):
                sig.append((k, t, ts))
            elif depth == 0 and k == 'punct' and t in '()':
                sig.append((k, t, ts))
            j += 1
        if end is None:
            end = toks[j - 1][2] if j > i else e
        text = src[start:end]
        line = src.count('\n', 0, start) + 1
        name, ikind = name_of(text, is_func, src, start, first_brace)
        body = None
        if is_func and first_brace is not None:
            body = first_brace - start
        items.append(Item(ikind, name, start, end, line, cur_conds(), body))
        i = j if j > i else i + 1
    return items


FUNC_ATTRS = {'__acquires', '__releases', '__must_hold', '__printf', '__attribute__',
              '__alloc_size', '__section', '__aligned', '__diagnose_as'}
ATTR = re.compile(r'^__\w*$|^(?:static|inline|const|extern|volatile|unsigned|signed|'
                  r'int|long|short|char|bool|void|u8|u16|u32|u64|s8|s16|s32|s64)$')


def name_of(text, is_func, src, start, first_brace):
    head = text if first_brace is None else src[start:first_brace]
    head = re.sub(r'/\*.*?\*/|//[^\n]*', ' ', head, flags=re.S)
    if is_func:
        # the identifier before the last top-level (...) group before the body,
        # skipping trailing attribute macros like __acquires(x)
        groups = []
        depth = 0
        for m in re.finditer(r'[()]', head):
            if m.group() == '(':
                if depth == 0:
                    open_at = m.start()
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    groups.append(open_at)
        for at in reversed(groups):
            m = re.search(r'(\w+)\s*$', head[:at])
            if m and m.group(1) not in FUNC_ATTRS:
                return m.group(1), 'func'
        return None, 'func'
    m = re.match(r'\s*(?:typedef\s+)?(struct|union|enum)\s+(?:__\w+\s+)*(\w+)\s*\{', text)
    if m:
        return '%s %s' % (m.group(1), m.group(2)), 'type'
    m = re.match(r'\s*(?:typedef\s+)?enum\s*\{\s*(\w+)', text)
    if m:
        return 'enum@' + m.group(1), 'type'
    m = re.match(r'\s*typedef\b.*?(\w+)\s*;\s*$', re.sub(r'\{.*\}', '', text, flags=re.S), re.S)
    if m:
        return m.group(1), 'type'
    # a variable: the last plain identifier before '=', '[' or ';' at top level
    flat = re.sub(r'\{.*\}', '{}', text, flags=re.S)
    m = re.match(r'([^=;\[]*)', flat)
    idents = [x for x in re.findall(r'[A-Za-z_]\w*', re.sub(r'\([^()]*\)', '', m.group(1)))
              if not x.startswith('__')]
    call = re.match(r'\s*(?:static\s+)?(\w+)\s*\(', flat)
    if call and not re.match(r'\s*(?:static\s+)?\w+\s*\([^)]*\)\s*\w', flat) and '=' not in flat.split('(')[0]:
        # a macro invocation at file scope: DEFINE_PER_CPU(type, name); module_param(...)
        args = re.findall(r'\w+', flat[flat.find('(') + 1:flat.rfind(')')])
        return '%s:%s' % (call.group(1), ','.join(args)), 'macro'
    return (idents[-1] if idents else None), 'var'


class Tree:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def path(self, rel):
        return os.path.join(self.root, rel)

    def exists(self, rel):
        return os.path.exists(self.path(rel))

    def read(self, rel):
        with open(self.path(rel), encoding='utf-8', errors='surrogateescape') as f:
            return f.read()

    def items(self, rel):
        if rel not in self.cache:
            src = self.read(rel)
            self.cache[rel] = (src, parse(src))
        return self.cache[rel]


class RecipeError(Exception):
    pass


def read_recipe(path):
    """A recipe: `key args...` lines; `from FILE` sets the file for the item lines after it."""
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip() if not raw.lstrip().startswith('set ') \
                else raw.strip()
            if not line:
                continue
            parts = line.split()
            out.append((n, parts))
    return out


def detect(tree, recipe):
    if not any(parts[0] == 'detect' for _, parts in recipe):
        return False  # a recipe without detect lines is only ever included
    for n, parts in recipe:
        if parts[0] != 'detect':
            continue
        neg = parts[1].startswith('!')
        what = parts[1].lstrip('!')
        if what == 'exists':
            ok = tree.exists(parts[2])
        elif what == 'grep':
            pat = ' '.join(parts[3:])
            ok = tree.exists(parts[2]) and re.search(pat, tree.read(parts[2]), re.M) is not None
        else:
            raise RecipeError('line %d: unknown detect %s' % (n, what))
        if ok == neg:
            return False
    return True


def choose(tree, rel, name, kinds, optional=False):
    src, items = tree.items(rel)
    cands = [it for it in items if it.name == name and it.kind in kinds]
    if not cands and 'var' in kinds:
        # a variable defined by a macro: DECLARE_BITMAP(name, n), DEFINE_PER_CPU(t, name)
        cands = [it for it in items if it.kind == 'macro' and
                 not re.match(r'(module_param|MODULE_|EXPORT_|module_)', it.name) and
                 name in it.name.split(':', 1)[1].split(',')]
    live = [it for it in cands if all(eval_cond(c, CONFIG) is not False for c in it.conds)]
    if not live:
        if optional:
            return None
        raise RecipeError('%s: no %s %s (under the modelled config)' % (rel, '/'.join(kinds), name))
    return live[0]


copied = set()


def emit(src, rel, it, out):
    copied.add(it.name)
    text = src[it.start:it.end]
    out.append('#line %d "%s"\n%s\n' % (it.line, rel, text))


def proto(src, rel, it):
    head = src[it.start:it.start + it.body].rstrip()
    return '#line %d "%s"\n%s;\n' % (it.line, rel, head)


def header_text(src, rel):
    """A whole file with its #include lines blanked (line numbers kept)."""
    out = []
    for line in src.split('\n'):
        out.append('' if re.match(r'\s*#\s*include\b', line) else line)
    return '#line 1 "%s"\n%s\n' % (rel, '\n'.join(out))


def params_of(tree, rel):
    """Module parameters: name -> (C variable, type) from the module_param*() lines
    that the modelled configuration compiles (pt_mode is behind CONFIG_BROKEN in
    later trees and then no parameter at all)."""
    src, items = tree.items(rel)
    out = {}
    for it in items:
        if it.kind != 'macro' or not re.match(r'module_param(_named)?:', it.name or ''):
            continue
        if not all(eval_cond(c, CONFIG) is not False for c in it.conds):
            continue
        m = re.match(r'\s*module_param(_named)?\s*\(([^;]*)\)\s*;', src[it.start:it.end])
        if not m:
            continue
        args = [a.strip() for a in m.group(2).replace('\n', ' ').split(',')]
        if m.group(1):
            out[args[0]] = (args[1], args[2])
        else:
            out[args[0]] = (args[0], args[1])
    return out


def features_of(src):
    """X86_FEATURE_* bits by their /proc/cpuinfo name. Before 6.12 a comment
    '"name"' renames, '""' hides, no quotes shows the lower-case macro name;
    from 6.12 on only quoted names are shown."""
    quoted_only = re.search(r'X86_FEATURE_FPU\s.*"fpu"', src) is not None
    out = []
    for m in re.finditer(r'^#define\s+X86_FEATURE_(\w+)\s+\([^)]*\)\s*(?:/\*(.*?)\*/)?', src, re.M):
        q = re.match(r'\s*"([^"]*)"', m.group(2) or '')
        if q:
            name = q.group(1)
        elif quoted_only:
            name = ''
        else:
            name = m.group(1).lower()
        if name:
            out.append((name, 'X86_FEATURE_' + m.group(1)))
    return out


def build(tree, recipe, outdir):
    sections = {'defs': [], 'types': [], 'protos': [], 'vars': [], 'funcs': [], 'late': []}
    sets = []
    params = []
    features = []
    seen_files = []
    skipping = False
    rel = None
    section_override = None
    for n, parts in recipe:
        key, args = parts[0], parts[1:]
        if skipping and key not in ('from', 'from?', 'set', 'setif', 'detect', 'layout', 'include'):
            continue
        try:
            if key in ('detect', 'layout', 'include'):
                continue
            if key == 'set':
                sets.append(' '.join(args))
            elif key == 'setif':
                # setif FILE REGEX MACRO [VALUE]: set MACRO when FILE has a line matching REGEX
                if tree.exists(args[0]) and re.search(args[1], tree.read(args[0]), re.M):
                    sets.append(' '.join(args[2:] if len(args) > 3 else args[2:] + ['1']))
            elif key in ('from', 'from?'):
                # `from? FILE`: a file only some trees of the layout have; the
                # item lines up to the next `from` are skipped without it
                rel = args[0]
                skipping = key == 'from?' and not tree.exists(rel)
                if skipping:
                    continue
                if not tree.exists(rel):
                    raise RecipeError('no file %s' % rel)
                seen_files.append(rel)
            elif key == 'header':
                # `header late`: after the stand-ins and the copied types
                sections['types' if args[:1] == ['late'] else 'defs'].append(
                    header_text(tree.read(rel), rel))
            elif key in ('func', 'func?'):
                src, _ = tree.items(rel)
                for name in args:
                    it = choose(tree, rel, name, ('func',), key == 'func?')
                    if it is None:
                        continue
                    sections['protos'].append(proto(src, rel, it))
                    emit(src, rel, it, sections['funcs'])
            elif key == 'funcs':
                # every function of FILE whose name matches REGEX (live copies only)
                src, items = tree.items(rel)
                pat = re.compile(args[0])
                done = set()
                for it in items:
                    if it.kind == 'func' and it.name and pat.match(it.name) and \
                            it.name not in done and \
                            all(eval_cond(c, CONFIG) is not False for c in it.conds):
                        done.add(it.name)
                        sections['protos'].append(proto(src, rel, it))
                        emit(src, rel, it, sections['funcs'])
            elif key in ('type', 'type?'):
                src, _ = tree.items(rel)
                for name in args:
                    nm = name.replace(':', ' ')
                    it = choose(tree, rel, nm, ('type',), key == 'type?')
                    if it is not None:
                        emit(src, rel, it, sections['types'])
            elif key in ('var', 'var?'):
                src, _ = tree.items(rel)
                for name in args:
                    it = choose(tree, rel, name, ('var',), key == 'var?')
                    if it is not None:
                        emit(src, rel, it, sections['vars'])
            elif key in ('macro', 'macro?'):
                src, _ = tree.items(rel)
                for name in args:
                    it = choose(tree, rel, name, ('macro',), key == 'macro?')
                    if it is not None:
                        emit(src, rel, it, sections['vars'])
            elif key in ('define', 'define?'):
                src, _ = tree.items(rel)
                for name in args:
                    it = choose(tree, rel, name, ('define',), key == 'define?')
                    if it is not None:
                        emit(src, rel, it, sections['defs'])
            elif key == 'defines':
                # every #define of the file whose name matches a pattern
                src, items = tree.items(rel)
                pat = re.compile(args[0] if args else r'.')
                for it in items:
                    if it.kind == 'define' and pat.match(it.name) and \
                            all(eval_cond(c, CONFIG) is not False for c in it.conds):
                        emit(src, rel, it, sections['defs'])
            elif key == 'features':
                features = features_of(tree.read(rel))
            elif key == 'params':
                table = {}
                for f in seen_files:
                    table.update(params_of(tree, f))
                for name in args:
                    optional = name.endswith('?')
                    name = name.rstrip('?')
                    pname, _, var = name.partition('=')
                    if var:
                        params.append((pname, var, 'bool' if pname != pname else None))
                    elif pname in table:
                        params.append((pname, table[pname][0], table[pname][1]))
                    elif not optional:
                        raise RecipeError('%s: no module parameter %s' % (rel, pname))
            else:
                raise RecipeError('unknown key %s' % key)
        except RecipeError as e:
            raise RecipeError('line %d: %s' % (n, e))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'kh_layout.h'), 'w') as f:
        f.write('/* generated by kextract.py: the layout facts of this tree */\n')
        for s in sets:
            f.write('#define %s\n' % s)
        for name in sorted(copied):
            f.write('#define KH_HAS_%s 1\n' % re.sub(r'\W', '_', name))
    with open(os.path.join(outdir, 'kgen_defs.h'), 'w') as f:
        f.write('/* generated by kextract.py: kernel definitions, verbatim */\n')
        f.writelines(sections['defs'])
    with open(os.path.join(outdir, 'kgen.c'), 'w') as f:
        f.write('/* generated by kextract.py: kernel code, verbatim */\n'
                '#include "kh.h"\n#include "kgen_defs.h"\n#include "kh_kvm.h"\n')
        f.writelines(sections['types'])
        f.write('#line 1 "kh_kvm_late.h"\n#include "kh_kvm_late.h"\n')
        f.writelines(sections['protos'])
        f.writelines(sections['vars'])
        f.write('#include "kh_params.h"\n')
        f.writelines(sections['funcs'])
        f.write('#line 1 "kh_tail.h"\n#include "kh_tail.h"\n')
    with open(os.path.join(outdir, 'kh_features.h'), 'w') as f:
        f.write('/* generated by kextract.py: /proc/cpuinfo names of X86_FEATURE_* bits */\n')
        f.write('const struct kh_feature kh_features[] = {\n')
        for name, macro in features:
            f.write('\t{ "%s", %s },\n' % (name, macro))
        f.write('\t{ 0, 0 },\n};\n')
    with open(os.path.join(outdir, 'kh_params.h'), 'w') as f:
        f.write('/* generated by kextract.py: module parameters named as the kernel names them */\n')
        f.write('const struct kh_param kh_params[] = {\n')
        for pname, var, typ in params:
            f.write('\t{ "%s", &%s, KH_PARAM_TYPE(%s) },\n' % (pname, var, var))
        f.write('\t{ 0, 0, 0 },\n};\n')


def find_recipe(tree, rdir, want=None):
    names = sorted(x[:-4] for x in os.listdir(rdir) if x.endswith('.rcp'))
    if want:
        if want not in names:
            raise RecipeError('no recipe %s (have: %s)' % (want, ' '.join(names)))
        return want
    hits = [nm for nm in names if detect(tree, read_recipe(os.path.join(rdir, nm + '.rcp')))]
    if len(hits) != 1:
        raise RecipeError('%s: %s recipe matches this tree (%s)' % (
            tree.root, 'no' if not hits else 'more than one', ' '.join(hits)))
    return hits[0]


def expand(rdir, name, seen=()):
    """A recipe with its `include OTHER` lines expanded in place."""
    if name in seen:
        raise RecipeError('include loop at %s' % name)
    out = []
    for n, parts in read_recipe(os.path.join(rdir, name + '.rcp')):
        if parts[0] == 'include':
            out.extend(p for p in expand(rdir, parts[1], seen + (name,)) if p[1][0] != 'detect')
        else:
            out.append((n, parts))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ksrc', required=True)
    ap.add_argument('--out')
    ap.add_argument('--recipes', default=os.path.join(HERE, 'recipes'))
    ap.add_argument('--recipe')
    ap.add_argument('--detect', action='store_true', help='print the recipe name and stop')
    a = ap.parse_args()
    tree = Tree(a.ksrc)
    try:
        if not os.path.isdir(a.ksrc):
            raise RecipeError('%s: not a directory' % a.ksrc)
        name = find_recipe(tree, a.recipes, a.recipe)
        if a.detect:
            print(name)
            return 0
        if not a.out:
            raise RecipeError('--out is required')
        build(tree, expand(a.recipes, name), a.out)
        with open(os.path.join(a.out, 'recipe'), 'w') as f:
            f.write(name + '\n')
    except (RecipeError, OSError) as e:
        print('kextract: %s' % e, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())

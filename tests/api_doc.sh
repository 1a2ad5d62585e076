#!/usr/bin/env bash
# The public API is whole and documented (issue 13 item 4): every header under
# include/nvmx is reachable from nvmx.h and has a section in docs/api.md, every
# function a public header declares is named there, and no core header (all
# but the io layer's io.h and inventory.h) declares a function io/ defines.
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
python3 - <<'PY'
import glob, os, re, sys

IO_HEADERS = {"io.h", "inventory.h"}	# the io layer; the rest is the pure core
n = failed = 0
def ok(cond, what, diag=()):
    global n, failed
    failed += not cond
    n += 1
    print(("ok" if cond else "not ok"), n, "-", what)
    for d in diag:
        print("#", d)

def strip_comments(src):
    return re.sub(r"//[^\n]*", " ", re.sub(r"/\*.*?\*/", " ", src, flags=re.S))

def strip(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"//[^\n]*", " ", src)
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", src, flags=re.M)

def functions(path):
    """Names of the functions a header declares (top-level declarations)."""
    depth, stmt, names = 0, "", []
    for ch in strip(open(path).read()):
        if ch == "{":
            # an inline function's body: its name is declared here
            m = re.search(r"\b(nvmx_\w+)\s*\([^()]*\)\s*$", stmt) if depth == 0 else None
            if m:
                names.append(m.group(1))
                stmt = ""
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ";":
                m = re.search(r"\b(nvmx_\w+)\s*\(", stmt)
                if m and not re.match(r"\s*typedef\b", stmt) and "(*" not in stmt:
                    names.append(m.group(1))
                stmt = ""
            else:
                stmt += ch
    return names

headers = sorted(os.path.basename(h) for h in glob.glob("include/nvmx/*.h"))
doc = open("docs/api.md").read()

# Reachability: the transitive includes of nvmx.h.
seen, todo = set(), ["nvmx.h"]
while todo:
    h = todo.pop()
    if h in seen or h not in headers:
        continue
    seen.add(h)
    todo += re.findall(r'^\s*#\s*include\s+"(?:nvmx/)?([\w.]+)"', open("include/nvmx/" + h).read(), re.M)
missing = [h for h in headers if h not in seen]
ok(not missing, f"every public header is reachable from nvmx.h ({len(headers)} headers)", missing)


decl = {h: functions("include/nvmx/" + h) for h in headers}
total = sum(len(v) for v in decl.values())
# Guard: the parser must see the API (a parser that finds nothing passes everything).
ok(total >= 150 and "nvmx_kvm_load" in decl.get("kvm.h", []) and
   "nvmx_nested_state_parse" in decl.get("nested_state.h", []) and
   "nvmx_hostfile_read" in decl.get("io.h", []),
   f"the declarations are found ({total} functions, nvmx_kvm_load in kvm.h, ...)")
dup = sorted({f for v in decl.values() for f in v if sum(f in w for w in decl.values()) > 1})
ok(not dup, "no function is declared by two public headers", dup)

# Each function in its own header's part of the reference ("### `h`" up to the next heading).
ref = {m.group(1): set(re.findall(r"\w+", m.group(2)))
       for m in re.finditer(r"^### `([\w.]+)`[^\n]*\n(.*?)(?=^#)", doc + "\n#", re.M | re.S)}
undoc = [h for h in headers if h not in ref]
ok(not undoc, "every public header has a section in docs/api.md's reference (### `HEADER`)", undoc)
nodoc = [f"{h}: {f}" for h, fs in decl.items() for f in fs if f not in ref.get(h, ())]
ok(not nodoc, f"docs/api.md names every public function ({total - len(nodoc)}/{total})",
   nodoc + (["name each in its header's group under docs/api.md's 'Reference, header by header'"]
            if nodoc else []))

# No file I/O in the core: a core header declares nothing io/ implements.
iosrc = "".join(strip(open(f).read()) for f in sorted(glob.glob("io/*.c")))
inio = [f"{h}: {f}" for h, fs in decl.items() if h not in IO_HEADERS for f in fs
        if re.search(r"^(?:[A-Za-z_][\w \t*]*?[ \t*])?" + f + r"\s*\([^;{}]*\)\s*\{", iosrc, re.M)]
ok(not inio, "no core header declares a function of the io layer", inio)
core_stdio = [h for h in headers if h not in IO_HEADERS and h != "nvmx.h" and
              re.search(r"#\s*include\s*<stdio\.h>|\bFILE\b", strip_comments(open("include/nvmx/" + h).read()))]
ok(not core_stdio, "no core header includes <stdio.h> or names FILE", core_stdio)

# One error style: a failure is a code and a line in struct nvmx_error (directly,
# in struct nvmx_diag or struct nvmx_ns_error), never a bare phrase handed back
# through a "const char **why" the caller must word (io's internal helpers may).
allsrc = {h: strip(open("include/nvmx/" + h).read()) for h in headers}
phrase = [f"{h}: {m.group(0).strip()}" for h, s in allsrc.items()
          for m in re.finditer(r"\bconst\s+char\s*\*\s*\*\s*(?:why|err\w*|msg|reason|problem)\b", s)]
ok(not phrase, "no public call reports a failure as a phrase (const char **why)", phrase)
# ... and a call that fills one says how it fails: -1 (NULL for a pointer) in
# the comment above it (or above its group of declarations).
def decls_with_error(h):
    src = open("include/nvmx/" + h).read()
    comments = [(m.end(), m.group(1)) for m in re.finditer(r"/\*(.*?)\*/", src, re.S)]
    for m in re.finditer(r"^[A-Za-z][\w \t*]*?\b(nvmx_\w+)\s*\(([^;{}]*)\)\s*;", src, re.M):
        if m.group(1) != "nvmx_error_clear" and \
           re.search(r"struct\s+nvmx_(?:error|diag|ns_error)\s*\*", m.group(2)):
            above = [c for end, c in comments if end <= m.start()]
            yield m.group(1), above[-1] if above else ""
silent = [f"{h}: {f}" for h in headers for f, c in decls_with_error(h)
          if not re.search(r"-1|NULL|\bfalse\b", c)]
nerr = sum(1 for h in headers for _ in decls_with_error(h))
ok(nerr >= 15 and not silent,
   f"every call taking a struct nvmx_error/diag says it returns -1 or NULL on failure ({nerr} calls)", silent)

print(f"1..{n}")
sys.exit(1 if failed else 0)
PY

# Derive the "deb" sources of the main Debian archive (and its security
# archive) from the machine's own apt configuration, for mmdebstrap to build
# the QEMU base disk from. Reads deb822 *.sources files and one-line *.list
# files given on the command line; prints one deb822 stanza per distinct URI.
# No host name is known here: every URI comes from the input files.
#
# Variables (-v): codename=<this machine's codename> (required),
#                 target=<the base disk's codename> (default: codename).
# An entry is kept when it is of type deb, its components include "main",
# and one of its suites is <codename>, <codename>-updates or
# <codename>-security; the suites are written for <target> instead.
# Third-party repositories (other suite names) are left out, and so are
# disabled stanzas (Enabled: no) and comments.

function reset() { st_types = st_uris = st_suites = st_comps = st_signed = st_enabled = ""; cur = "" }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

function flush_stanza(   n, i, t, isdeb) {
  if (st_types == "" && st_uris == "") { reset(); return }
  isdeb = 0
  n = split(st_types, t, /[ \t]+/)
  for (i = 1; i <= n; i++) if (t[i] == "deb") isdeb = 1
  if (tolower(st_enabled) == "no") isdeb = 0
  if (isdeb) add_entry(st_uris, st_suites, st_comps, st_signed)
  reset()
}

function add_entry(uris, suites, comps, signed,   nu, u, ns, s, nc, c, i, j, hasmain, key, suite, rest) {
  nc = split(comps, c, /[ \t]+/); hasmain = 0
  for (i = 1; i <= nc; i++) if (c[i] == "main") hasmain = 1
  if (!hasmain) return
  ns = split(suites, s, /[ \t]+/)
  nu = split(uris, u, /[ \t]+/)
  for (j = 1; j <= nu; j++) {
    key = u[j]
    if (key == "") continue
    for (i = 1; i <= ns; i++) {
      if (s[i] == codename) rest = ""
      else if (s[i] == codename "-updates") rest = "-updates"
      else if (s[i] == codename "-security") rest = "-security"
      else continue
      suite = target rest
      if (!(key in seen)) { seen[key] = 1; order[++norder] = key; out_suites[key] = ""; out_signed[key] = signed }
      if ((" " out_suites[key] " ") !~ (" " suite " "))
        out_suites[key] = out_suites[key] (out_suites[key] == "" ? "" : " ") suite
      if (out_signed[key] == "") out_signed[key] = signed
    }
  }
}

BEGIN { if (target == "") target = codename }

FNR == 1 { if (in822) flush_stanza(); in822 = (FILENAME ~ /\.sources$/); reset() }

in822 {
  line = $0
  if (line ~ /^#/) next
  if (line ~ /^[ \t]*$/) { flush_stanza(); next }
  if (line ~ /^[ \t]/) {               # continuation line (e.g. embedded key)
    if (cur == "signed-by") st_signed = st_signed "\n" line
    next
  }
  k = line; sub(/:.*/, "", k); k = tolower(trim(k))
  v = line; sub(/^[^:]*:/, "", v); v = trim(v)
  cur = k
  if (k == "types") st_types = v
  else if (k == "uris") st_uris = v
  else if (k == "suites") st_suites = v
  else if (k == "components") st_comps = v
  else if (k == "signed-by") st_signed = v
  else if (k == "enabled") st_enabled = v
  next
}

# one-line format: deb [opt=val ...] uri suite comp...
{
  line = $0; sub(/#.*/, "", line); line = trim(line)
  if (line !~ /^deb[ \t]/) next
  sub(/^deb[ \t]+/, "", line)
  signed = ""
  if (line ~ /^\[/) {
    opts = line; sub(/\].*/, "", opts); sub(/^\[/, "", opts)
    line = substr(line, index(line, "]") + 1); line = trim(line)
    no = split(opts, o, /[ \t]+/)
    for (i = 1; i <= no; i++) if (tolower(o[i]) ~ /^signed-by=/) { signed = o[i]; sub(/^[^=]*=/, "", signed) }
  }
  nf = split(line, f, /[ \t]+/)
  if (nf < 3) next
  comps = ""
  for (i = 3; i <= nf; i++) comps = comps (comps == "" ? "" : " ") f[i]
  add_entry(f[1], f[2], comps, signed)
}

END {
  if (in822) flush_stanza()
  for (i = 1; i <= norder; i++) {
    key = order[i]
    if (i > 1) print ""
    print "Types: deb"
    print "URIs: " key
    print "Suites: " out_suites[key]
    print "Components: main"
    if (out_signed[key] ~ /^\n/) print "Signed-By:" out_signed[key]
    else if (out_signed[key] != "") print "Signed-By: " out_signed[key]
  }
}

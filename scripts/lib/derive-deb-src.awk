# Derive deb-src stanzas (deb822) for the main Debian archive from the
# machine's own apt configuration. Reads deb822 *.sources files and one-line
# *.list files given on the command line; prints one deb822 stanza per
# distinct archive URI, with Types: deb-src and the suites/components/
# Signed-By of the matching "deb" entries. No host name is known here: every
# URI comes from the input files.
#
# Variables (-v): codename=bookworm (required).
# A "main archive" entry is a deb entry whose suites include <codename>
# itself (so the security archive, whose suite is <codename>-security, is
# left out) and whose components include "main". Every suite of that URI
# that is <codename> or <codename>-updates is kept, also from separate
# one-line entries. A URI that already has a deb-src entry for <codename>
# main is left out (apt would warn about a duplicate). Disabled stanzas
# (Enabled: no) and comments are ignored.

function flush_stanza(   n, i, t, isdeb, issrc) {
  if (st_types == "" && st_uris == "") { reset(); return }
  isdeb = issrc = 0
  n = split(st_types, t, /[ \t]+/)
  for (i = 1; i <= n; i++) { if (t[i] == "deb") isdeb = 1; if (t[i] == "deb-src") issrc = 1 }
  if (tolower(st_enabled) == "no") isdeb = issrc = 0
  if (isdeb) add_entry(st_uris, st_suites, st_comps, st_signed)
  if (issrc) add_src(st_uris, st_suites, st_comps)
  reset()
}
function add_src(uris, suites, comps,   nu, u, ns, s, nc, c, i, j, ok) {
  if ((" " comps " ") !~ / main /) return
  ns = split(suites, s, /[ \t]+/); ok = 0
  for (i = 1; i <= ns; i++) if (s[i] == codename) ok = 1
  if (!ok) return
  nu = split(uris, u, /[ \t]+/)
  for (j = 1; j <= nu; j++) if (u[j] != "") srcseen[u[j]] = 1
}
function reset() { st_types = st_uris = st_suites = st_comps = st_signed = st_enabled = ""; cur = "" }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

function add_entry(uris, suites, comps, signed,   nu, u, ns, s, i, j, hasmain, c, nc, key) {
  nc = split(comps, c, /[ \t]+/); hasmain = 0
  for (i = 1; i <= nc; i++) if (c[i] == "main") hasmain = 1
  if (!hasmain) return
  ns = split(suites, s, /[ \t]+/)
  nu = split(uris, u, /[ \t]+/)
  for (j = 1; j <= nu; j++) {
    key = u[j]
    if (key == "") continue
    for (i = 1; i <= ns; i++) {
      if (s[i] != codename && s[i] != codename "-updates") continue
      if (!(key in seen)) { seen[key] = 1; order[++norder] = key; out_suites[key] = ""; out_signed[key] = signed }
      if (s[i] == codename) hascode[key] = 1
      if ((" " out_suites[key] " ") !~ (" " s[i] " "))
        out_suites[key] = out_suites[key] (out_suites[key] == "" ? "" : " ") s[i]
      if (out_signed[key] == "") out_signed[key] = signed
    }
  }
}

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
  if (line !~ /^deb(-src)?[ \t]/) next
  type = line; sub(/[ \t].*/, "", type)
  sub(/^deb(-src)?[ \t]+/, "", line)
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
  if (type == "deb-src") add_src(f[1], f[2], comps)
  else add_entry(f[1], f[2], comps, signed)
}

END {
  if (in822) flush_stanza()
  n = 0
  for (i = 1; i <= norder; i++) {
    key = order[i]
    if (!(key in hascode) || (key in srcseen)) continue
    if (n++) print ""
    print "Types: deb-src"
    print "URIs: " key
    print "Suites: " out_suites[key]
    print "Components: main"
    if (out_signed[key] ~ /^\n/) print "Signed-By:" out_signed[key]
    else if (out_signed[key] != "") print "Signed-By: " out_signed[key]
  }
}

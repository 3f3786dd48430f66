# The apt sources reader shared by derive-deb-src.awk and derive-debian-sources.awk:
# run as `awk -f read-apt-sources.awk -f <deriver>.awk FILES...`. It reads deb822
# *.sources files and one-line *.list files and hands each enabled entry of the
# "main" component (the only one either deriver wants) to the deriver's
# add_entry(uris, suites, comps, signed) ("deb") or add_src(uris, suites, comps)
# ("deb-src"); the deriver's END prints what it derived.

function flush_stanza(   n, i, t, isdeb, issrc) {
  if (st_types == "" && st_uris == "") { reset(); return }
  isdeb = issrc = 0
  n = split(st_types, t, /[ \t]+/)
  for (i = 1; i <= n; i++) { if (t[i] == "deb") isdeb = 1; if (t[i] == "deb-src") issrc = 1 }
  if (tolower(st_enabled) == "no" || !has_main(st_comps)) isdeb = issrc = 0
  if (isdeb) add_entry(st_uris, st_suites, st_comps, st_signed)
  if (issrc) add_src(st_uris, st_suites, st_comps)
  reset()
}
function reset() { st_types = st_uris = st_suites = st_comps = st_signed = st_enabled = ""; cur = "" }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function has_main(comps) { return (" " comps " ") ~ /[ \t]main[ \t]/ }

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
  if (!has_main(comps)) next
  if (type == "deb-src") add_src(f[1], f[2], comps)
  else add_entry(f[1], f[2], comps, signed)
}


# Runs before the deriver's END (this file is given first): the last stanza is handed over too.
END { if (in822) flush_stanza() }

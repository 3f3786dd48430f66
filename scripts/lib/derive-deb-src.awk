# (Read by read-apt-sources.awk, given first.) Derive deb-src stanzas (deb822) for the main Debian archive from the
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

function add_src(uris, suites, comps,   nu, u, ns, s, i, j, ok) {
  ns = split(suites, s, /[ \t]+/); ok = 0
  for (i = 1; i <= ns; i++) if (s[i] == codename) ok = 1
  if (!ok) return
  nu = split(uris, u, /[ \t]+/)
  for (j = 1; j <= nu; j++) if (u[j] != "") srcseen[u[j]] = 1
}

function add_entry(uris, suites, comps, signed,   nu, u, ns, s, i, j, key) {
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

END {
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

# (Read by read-apt-sources.awk, given first.) Derive the "deb" sources of the main Debian archive (and its security
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

function add_entry(uris, suites, comps, signed,   nu, u, ns, s, i, j, key, suite, rest) {
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
# The reader hands deb-src entries over too: they play no part in a base disk's sources.
function add_src(uris, suites, comps) { }

END {
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

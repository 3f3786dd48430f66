# Site settings of the vSphere simulator (vcsim's default inventory). No
# secrets here: the endpoint and credentials come from PKR_VAR_vsphere_server,
# PKR_VAR_vsphere_username and PKR_VAR_vsphere_password, which `goldsmith demo`
# (or the tests) set for the vcsim they start.

vsphere_datacenter = "DC0"
vsphere_cluster    = "DC0_C0"
vsphere_host       = "DC0_C0_H0"
vsphere_folder     = "Templates"
vsphere_insecure   = true

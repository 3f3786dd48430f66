# Windows Server 2025 on the vSphere simulator: vsphere-clone from a seeded template,
# converted to the template <base_name>-build. communicator = "none": vSphere
# builders run no provisioner then, so the simulator lane tests the pipeline
# (build, record, promotion), not the guest. A rebuild needs no -force:
# goldsmith destroys a stale, unpromoted <base_name>-build before Packer runs.

source "vsphere-clone" "windows" {
  vcenter_server      = var.vsphere_server
  username            = var.vsphere_username
  password            = var.vsphere_password
  insecure_connection = var.vsphere_insecure

  datacenter = var.vsphere_datacenter
  cluster    = var.vsphere_cluster
  host       = var.vsphere_host
  folder     = var.vsphere_folder
  template   = var.seed_template
  vm_name    = "${var.base_name}-build"
  notes      = "Windows Server 2025 golden image, built by goldsmith on the simulator"

  communicator        = "none"
  convert_to_template = true
}

build {
  sources = ["source.vsphere-clone.windows"]

  post-processor "manifest" {
    output     = var.manifest_path
    strip_path = true
    custom_data = {
      platform  = "vsphere"
      base_name = var.base_name
    }
  }
}

# Windows Server 2025 on vSphere, one source per edition (build one with
# `-only vsphere-iso.windows-server-<edition>`). The answer file comes on a CD
# made by packer/data/windows/render-seed and staged beside the Windows media;
# VMware Tools come from the host's own tools image.

locals {
  vmware_tools_iso = "[] /vmimages/tools-isoimages/windows.iso"
}

source "vsphere-iso" "windows-server" {
  vcenter_server      = var.vsphere_server
  username            = var.vsphere_username
  password            = var.vsphere_password
  insecure_connection = var.vsphere_insecure
  datacenter          = var.vsphere_datacenter
  cluster             = var.vsphere_cluster
  datastore           = var.vsphere_datastore
  folder              = var.vsphere_folder

  notes                = "Built by goldsmith (Packer, ansible/windows.yml). Promoted without the -build suffix."
  guest_os_type        = var.guest_os_type
  firmware             = "efi-secure"
  CPUs                 = var.vm_cpus
  RAM                  = var.vm_mem_mb
  disk_controller_type = ["pvscsi"]
  storage {
    disk_size             = var.vm_disk_mb
    disk_thin_provisioned = true
  }
  network_adapters {
    network      = var.vsphere_network
    network_card = "vmxnet3"
  }

  remove_cdrom = true
  boot_order   = "disk,cdrom"
  boot_wait    = "2s"
  # "Press any key to boot from CD or DVD".
  boot_command = ["<spacebar><spacebar>"]

  ip_wait_timeout = "2h"
  communicator    = "winrm"
  winrm_username  = var.build_username
  winrm_password  = var.build_password
  winrm_timeout   = "2h"
  # Starts finalize.ps1 (ansible/roles/win_generalise), which takes the build
  # password away, closes WinRM and shuts down.
  shutdown_command = "schtasks.exe /Run /TN goldsmith-finalize"
  shutdown_timeout = "1h"

  convert_to_template = true
}

build {
  source "vsphere-iso.windows-server" {
    name      = "windows-server-datacenter-core"
    vm_name   = "${var.base_name}-datacenter-core-build"
    iso_paths = [var.iso_path, "${var.seed_iso_dir}/server-2025-datacenter-core.iso", local.vmware_tools_iso]
  }

  source "vsphere-iso.windows-server" {
    name      = "windows-server-datacenter-dexp"
    vm_name   = "${var.base_name}-datacenter-dexp-build"
    iso_paths = [var.iso_path, "${var.seed_iso_dir}/server-2025-datacenter-dexp.iso", local.vmware_tools_iso]
  }

  # WinRM directly (no proxy); the connection settings and the password (read
  # from PKR_VAR_build_password, never a command-line argument) are in the play.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/windows.yml"
    user             = var.build_username
    use_proxy        = false
    ansible_env_vars = ["ANSIBLE_CONFIG=${path.root}/../../../ansible/ansible.cfg"]
    extra_arguments  = ["--extra-vars", "platform=vsphere build_username=${var.build_username}"]
  }

  post-processor "manifest" {
    output     = var.manifest_path
    strip_path = true
    custom_data = {
      platform  = "vsphere"
      base_name = var.base_name
    }
  }
}

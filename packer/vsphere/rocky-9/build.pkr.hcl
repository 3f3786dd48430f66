# rocky-9 on vSphere: installs from the ISO on the datastore, answers come from
# a CD that Packer makes from packer/data/el/ (no inbound HTTP).

locals {
  seed = "${path.root}/../../data/el"
}

source "vsphere-iso" "rocky" {
  vcenter_server      = var.vsphere_server
  username            = var.vsphere_username
  password            = var.vsphere_password
  insecure_connection = var.vsphere_insecure
  datacenter          = var.vsphere_datacenter
  cluster             = var.vsphere_cluster
  datastore           = var.vsphere_datastore
  folder              = var.vsphere_folder

  vm_name              = "${var.base_name}-build"
  notes                = "Built by goldsmith (Packer, ansible/linux.yml). Promoted to ${var.base_name}."
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

  iso_paths    = [var.iso_path]
  cd_files     = ["${local.seed}/ks.cfg"]
  cd_label     = "cidata"
  remove_cdrom = true
  boot_order   = "disk,cdrom"
  boot_wait    = "5s"
  # Edits the "Install" entry in GRUB; single quotes keep GRUB from expanding
  # the $ in the hash.
  boot_command = [
    "<up>e<wait><down><down><end>",
    " inst.text inst.ks=hd:LABEL=cidata:/ks.cfg 'goldsmith.user=${var.build_username}' 'goldsmith.pwhash=${var.build_password_encrypted}'",
    "<leftCtrlOn>x<leftCtrlOff>",
  ]

  ip_wait_timeout = "45m"
  communicator    = "ssh"
  ssh_username    = var.build_username
  ssh_password    = var.build_password
  ssh_timeout     = "45m"
  # No shutdown_command: the clean role has taken the build user's sudo away,
  # so the guest agent shuts the VM down.
  shutdown_timeout = "15m"

  convert_to_template = true
}

build {
  sources = ["source.vsphere-iso.rocky"]

  # Ansible reaches the guest through Packer's own SSH session (the default
  # proxy), so the SSH hardening in the configure role does not cut it off.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/linux.yml"
    user             = var.build_username
    use_sftp         = true
    sftp_command     = "/usr/libexec/openssh/sftp-server -e"
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

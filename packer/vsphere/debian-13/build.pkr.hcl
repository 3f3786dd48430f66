# debian-13 on vSphere: installs from the ISO on the datastore, answers come from
# a CD that Packer makes from packer/data/debian/ (no inbound HTTP).

locals {
  seed = "${path.root}/../../data/debian"
}

source "vsphere-iso" "debian" {
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
  cd_files     = ["${local.seed}/preseed.cfg"]
  cd_label     = "cidata"
  remove_cdrom = true
  boot_order   = "disk,cdrom"
  boot_wait    = "5s"
  # GRUB's command line; single quotes keep GRUB from expanding the $ in the
  # hash. The installer does not mount the cidata CD itself: it fails to read
  # the preseed once, the shell on tty2 mounts the CD, and the menu entry
  # "Download debconf preconfiguration file" reads it again.
  boot_command = [
    "<wait3s>c<wait3s>",
    "linux /install.amd/vmlinuz auto=true priority=critical preseed/file=/media/preseed.cfg 'passwd/username=${var.build_username}' 'passwd/user-password-crypted=${var.build_password_encrypted}' 'mirror/http/hostname=${var.debian_mirror}' ---<enter>",
    "initrd /install.amd/initrd.gz<enter>",
    "boot<enter>",
    "<wait30s><enter><wait3s><enter><wait3s>",
    "<leftAltOn><f2><leftAltOff><wait3s><enter><wait3s>mount /dev/sr1 /media<enter><wait3s><leftAltOn><f1><leftAltOff><wait3s>",
    "<down><down><down><down><enter>",
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
  sources = ["source.vsphere-iso.debian"]

  # Ansible reaches the guest through Packer's own SSH session (the default
  # proxy), so the SSH hardening in the configure role does not cut it off.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/linux.yml"
    user             = var.build_username
    use_sftp         = true
    sftp_command     = "/usr/lib/openssh/sftp-server -e"
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

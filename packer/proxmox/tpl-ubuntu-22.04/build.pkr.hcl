# tpl-ubuntu-22.04 on Proxmox: installs from the ISO on Proxmox storage; Packer's HTTP
# server serves the answers from packer/data/ubuntu/ (Packer 1.6's
# proxmox-iso has no cd_files).

source "proxmox-iso" "ubuntu" {
  proxmox_url              = var.proxmox_url
  username                 = var.proxmox_username
  password                 = var.proxmox_password
  insecure_skip_tls_verify = var.proxmox_insecure
  node                     = var.proxmox_node

  vm_id                = var.vm_id
  vm_name              = "${var.base_name}-build"
  template_name        = "${var.base_name}-build"
  template_description = "Built by goldsmith (Packer, ansible/linux.yml). Promoted to ${var.base_name}."
  os                   = "l26"
  cores                = var.vm_cpus
  memory               = var.vm_mem_mb
  cpu_type             = "host"
  scsi_controller      = "virtio-scsi-single"
  qemu_agent           = true
  disks {
    type              = "scsi"
    disk_size         = var.vm_disk_size
    storage_pool      = var.proxmox_storage_pool
    storage_pool_type = var.proxmox_storage_pool_type
    format            = "raw"
  }
  network_adapters {
    model  = "virtio"
    bridge = var.proxmox_bridge
  }

  iso_file    = "${var.proxmox_iso_storage}:iso/${var.iso_file}"
  unmount_iso = true
  # Clones get their user, keys and network from Proxmox's cloud-init drive.
  cloud_init              = true
  cloud_init_storage_pool = var.proxmox_storage_pool

  http_directory = "${path.root}/../../data/ubuntu"
  boot_wait      = "5s"
  # SeaBIOS boots the Ubuntu media into GRUB too. The seed is served by
  # Packer's HTTP server; single quotes keep GRUB from reading ; and $.
  boot_command = [
    "<wait3s>c<wait3s>",
    "linux /casper/vmlinuz autoinstall 'ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/' 'goldsmith.user=${var.build_username}' 'goldsmith.pwhash=${var.build_password_encrypted}' ---<enter>",
    "initrd /casper/initrd<enter>",
    "boot<enter>",
  ]

  communicator = "ssh"
  ssh_username = var.build_username
  ssh_password = var.build_password
  ssh_timeout  = "45m"
  # No shutdown_command: the clean role has taken the build user's sudo away,
  # so the guest agent shuts the VM down.
}

build {
  sources = ["source.proxmox-iso.ubuntu"]

  # Ansible reaches the guest through Packer's own SSH session (the default
  # proxy), so the SSH hardening in the configure role does not cut it off.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/linux.yml"
    user             = var.build_username
    use_sftp         = true
    sftp_command     = "/usr/lib/openssh/sftp-server -e"
    ansible_env_vars = ["ANSIBLE_CONFIG=${path.root}/../../../ansible/ansible.cfg"]
    extra_arguments  = ["--extra-vars", "platform=proxmox build_username=${var.build_username}"]
  }

  post-processor "manifest" {
    output     = var.manifest_path
    strip_path = true
    custom_data = {
      platform  = "proxmox"
      base_name = var.base_name
    }
  }
}

# Windows Server 2022 on Proxmox. Packer 1.6 cannot attach a second ISO here,
# so the staged media is the Windows ISO with the rendered answer file,
# bootstrap.ps1 and the virtio-win drivers added (see docs/lines.md). The
# image is sysprepped at the end (ansible/roles/win_generalise).

source "proxmox-iso" "windows-server" {
  proxmox_url              = var.proxmox_url
  username                 = var.proxmox_username
  password                 = var.proxmox_password
  insecure_skip_tls_verify = var.proxmox_insecure
  node                     = var.proxmox_node

  vm_id                = var.vm_id
  template_description = "Built by goldsmith (Packer, ansible/windows.yml). Promoted to ${var.base_name}."
  os                   = "win11"
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

  boot_wait = "3s"
  # "Press any key to boot from CD or DVD".
  boot_command = ["<spacebar><spacebar>"]

  communicator   = "winrm"
  winrm_username = var.build_username
  winrm_password = var.build_password
  winrm_timeout  = "2h"
  # No shutdown_command on proxmox-iso: the win_generalise role syspreps and
  # closes WinRM, then Packer shuts the VM down through the API.
}

build {
  source "proxmox-iso.windows-server" {
    name          = "windows-server-datacenter-dexp"
    vm_name       = "${var.base_name}-build"
    template_name = "${var.base_name}-build"
  }

  # WinRM directly (no proxy); the connection settings and the password (read
  # from PKR_VAR_build_password, never a command-line argument) are in the play.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/windows.yml"
    user             = var.build_username
    use_proxy        = false
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

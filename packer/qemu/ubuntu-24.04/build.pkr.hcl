# ubuntu-24.04 on QEMU: boots the vendor's Ubuntu 24.04 cloud image (the VK Cloud
# seed's source), under software emulation (TCG), provisions it with
# ansible/qemu.yml (the seed's vm_init) and writes <base_name>-build.qcow2,
# its .sha256 and a compressed copy. goldsmith then runs the image checklist
# (docs/qemu.md). Validated here, not built: it downloads the cloud image.

source "qemu" "ubuntu" {
  disk_image       = true
  iso_url          = var.base_image
  iso_checksum     = var.base_image_checksum
  use_backing_file = false
  disk_size        = var.disk_size
  format           = "qcow2"
  disk_compression = true
  # The build VM is thrown away if anything fails: no need for safe writes.
  disk_cache     = "unsafe"
  disk_interface = "virtio"
  net_device     = "virtio-net"

  accelerator = "tcg"
  cpus        = 2
  memory      = var.memory
  headless    = true

  output_directory = var.output_directory
  vm_name          = "${var.base_name}-build.qcow2"

  # cloud-init (in the cloud image) reads the throwaway key from this CD.
  cd_files = [var.cloud_init_user_data, var.cloud_init_meta_data]
  cd_label = "cidata"

  boot_wait            = "1s"
  communicator         = "ssh"
  ssh_username         = var.admin_user
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "20m"
  # QEMU's port forward accepts connections before the guest's sshd runs; each
  # of those counts as a failed handshake.
  ssh_handshake_attempts = 1000
  shutdown_command       = "sudo shutdown -P now"
  shutdown_timeout       = "5m"
}

build {
  sources = ["source.qemu.ubuntu"]

  # use_proxy = false: Packer's proxy offers only an ssh-rsa host key, which
  # OpenSSH 9 refuses; Ansible logs in with the throwaway key directly.
  provisioner "ansible" {
    playbook_file    = "${path.root}/../../../ansible/qemu.yml"
    user             = var.admin_user
    use_proxy        = false
    ansible_env_vars = ["ANSIBLE_CONFIG=${path.root}/../../../ansible/ansible.cfg", "ANSIBLE_HOST_KEY_CHECKING=False"]
    extra_arguments  = ["--extra-vars", "platform=qemu os_family=debian admin_user=${var.admin_user}"]
  }

  # Each post-processor gets the image itself: its checksum (which goldsmith
  # seals into the record), a compressed copy, and the manifest.
  post-processor "checksum" {
    checksum_types = ["sha256"]
    output         = "${var.output_directory}/${var.base_name}-build.qcow2.sha256"
  }

  post-processor "compress" {
    output              = "${var.output_directory}/${var.base_name}-build.qcow2.gz"
    keep_input_artifact = true
  }

  post-processor "manifest" {
    output     = var.manifest_path
    strip_path = true
    custom_data = {
      platform  = "qemu"
      base_name = var.base_name
    }
  }
}

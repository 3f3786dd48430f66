# Packer >= 1.10 installs these plugins with `packer init`. Debian's Packer
# 1.6 (the validation lane in test/lines) has them built in and rejects this
# block, so it lives alone in this file, which that lane leaves out.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = "~> 1.1"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = "~> 1.1"
    }
  }
}

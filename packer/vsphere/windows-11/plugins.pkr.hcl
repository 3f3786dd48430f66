# Packer >= 1.10 installs these plugins with `packer init`. Debian's Packer
# 1.6 (the validation lane in test/lines) has them built in and rejects this
# block, so it lives alone in this file, which that lane leaves out.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    vsphere = {
      source  = "github.com/hashicorp/vsphere"
      version = "~> 1.4"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = "~> 1.1"
    }
  }
}

# The vCenter endpoint: PKR_VAR_* from the environment (goldsmith demo sets
# them for the vcsim it starts). The password is a secret: never a var-file.

variable "vsphere_server" {
  type        = string
  description = "vCenter host[:port]; for vcsim, the 127.0.0.1:<port> of its GOVC_URL."
}

variable "vsphere_username" {
  type = string
}

variable "vsphere_password" {
  type      = string
  sensitive = true
}

variable "vsphere_insecure" {
  type    = bool
  default = false
}

# Site settings: packer/sim/config/sim.pkrvars.hcl

variable "vsphere_datacenter" {
  type = string
}

variable "vsphere_cluster" {
  type = string
}

variable "vsphere_host" {
  type = string
}

variable "vsphere_folder" {
  type        = string
  description = "VM folder that receives <base_name>-build; goldsmith's vsphere.folder must name the same one."
}

# Line settings: packer/sim/config/<line>.pkrvars.hcl

variable "base_name" {
  type        = string
  description = "Stable template name; this build makes <base_name>-build (promotion renames it)."
}

variable "seed_template" {
  type        = string
  description = "The template cloned, relative to the datacenter's VM folder (seeded by goldsmith demo)."
}

# goldsmith sets PKR_VAR_manifest_path to a file in the job's folder.
variable "manifest_path" {
  type    = string
  default = "manifest.json"
}

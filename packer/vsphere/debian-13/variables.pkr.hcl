# Site settings, shared by every vSphere line: packer/config/vsphere.pkrvars.hcl

variable "vsphere_server" {
  type        = string
  description = "vCenter host name."
}

variable "vsphere_username" {
  type        = string
  description = "vCenter account Packer uses (a service account such as svc-packer@vsphere.local)."
}

variable "vsphere_password" {
  type        = string
  sensitive   = true
  description = "Password of vsphere_username: PKR_VAR_vsphere_password only, never a var-file."
}

variable "vsphere_insecure" {
  type        = bool
  default     = false
  description = "Skip TLS verification of vCenter; for labs with self-signed certificates only."
}

variable "vsphere_datacenter" {
  type = string
}

variable "vsphere_cluster" {
  type = string
}

variable "vsphere_datastore" {
  type = string
}

variable "vsphere_network" {
  type = string
}

variable "vsphere_folder" {
  type        = string
  description = "VM folder that receives the <base_name>-build template."
}

# Line settings: packer/config/<line>.pkrvars.hcl

variable "base_name" {
  type        = string
  description = "Stable template name; this build makes <base_name>-build (promotion renames it)."
}

variable "iso_path" {
  type        = string
  description = "Install media on a datastore, as \"[datastore] folder/file.iso\"."
}

variable "guest_os_type" {
  type = string
}

variable "vm_cpus" {
  type    = number
  default = 2
}

variable "vm_mem_mb" {
  type    = number
  default = 4096
}

variable "vm_disk_mb" {
  type    = number
  default = 40960
}

# The build account the installer creates and Packer logs in with. The
# password and its crypt(3) hash are secrets: PKR_VAR_* only.

variable "build_username" {
  type    = string
  default = "goldsmith"
}

variable "build_password" {
  type        = string
  sensitive   = true
  description = "PKR_VAR_build_password; the clean role leaves the account without it."
}

variable "build_password_encrypted" {
  type        = string
  sensitive   = true
  description = "PKR_VAR_build_password_encrypted: SHA-512 crypt of build_password (mkpasswd -m sha-512), typed onto the installer's kernel command line."
}

variable "manifest_path" {
  type        = string
  default     = "manifest.json"
  description = "Where the manifest post-processor writes; goldsmith's runner points it into the job's directory."
}

variable "debian_mirror" {
  type        = string
  description = "Host name of the Debian archive mirror (or proxy) the installer fetches packages from."
}

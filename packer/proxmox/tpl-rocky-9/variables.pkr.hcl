# Site settings, shared by every Proxmox line: packer/config/proxmox.pkrvars.hcl

variable "proxmox_url" {
  type        = string
  description = "API endpoint, as https://pve.example:8006/api2/json."
}

variable "proxmox_username" {
  type        = string
  description = "PVE user Packer logs in as (user@realm). Packer 1.6 has no API-token option."
}

variable "proxmox_password" {
  type        = string
  sensitive   = true
  description = "Password of proxmox_username: PKR_VAR_proxmox_password only, never a var-file."
}

variable "proxmox_insecure" {
  type        = bool
  default     = false
  description = "Skip TLS verification of the API; for labs with self-signed certificates only."
}

variable "proxmox_node" {
  type = string
}

variable "proxmox_storage_pool" {
  type        = string
  description = "Storage for the disk and the cloud-init drive, such as local-lvm."
}

variable "proxmox_storage_pool_type" {
  type        = string
  description = "Type of proxmox_storage_pool (lvm, lvm-thin, zfspool, directory, ...); Packer 1.6 requires it."
}

variable "proxmox_iso_storage" {
  type        = string
  default     = "local"
  description = "Storage whose iso/ content holds the install media."
}

variable "proxmox_bridge" {
  type    = string
  default = "vmbr0"
}

# Line settings: packer/config/<line>.pkrvars.hcl

variable "base_name" {
  type        = string
  description = "Stable template name; this build makes <base_name>-build (promotion renames it)."
}

variable "vm_id" {
  type        = number
  description = "VMID of the <base_name>-build template: goldsmith sets it (PKR_VAR_vm_id) inside the line's block; see docs/proxmox.md."
}

variable "iso_file" {
  type        = string
  description = "File name of the install media in proxmox_iso_storage's iso/ content."
}

variable "vm_cpus" {
  type    = number
  default = 2
}

variable "vm_mem_mb" {
  type    = number
  default = 4096
}

variable "vm_disk_size" {
  type    = string
  default = "40G"
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

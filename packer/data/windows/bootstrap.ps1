# First logon of the build account (FirstLogonCommands in autounattend.xml):
# install the hypervisor's guest agent, so Packer learns the VM's address,
# then open WinRM for Packer. WinRM is plain HTTP with Basic auth only for
# the build; ansible/roles/win_configure closes it again before shutdown.
param([Parameter(Mandatory)][ValidateSet('vsphere', 'proxmox')][string]$Platform)
$ErrorActionPreference = 'Stop'

function Find-OnMedia([string]$RelativePath) {
  foreach ($drive in Get-PSDrive -PSProvider FileSystem) {
    $candidate = Join-Path $drive.Root $RelativePath
    if (Test-Path $candidate) { return $candidate }
  }
  throw "$RelativePath is on none of the attached drives"
}

if ($Platform -eq 'vsphere') {
  $setup = Find-OnMedia 'setup64.exe'
  Start-Process -Wait -FilePath $setup -ArgumentList '/s /v "/qn REBOOT=R"'
} else {
  $msi = Find-OnMedia 'guest-agent\qemu-ga-x86_64.msi'
  Start-Process -Wait -FilePath msiexec.exe -ArgumentList "/i `"$msi`" /qn /norestart"
}

# The NIC driver just installed with the agent may still be coming up, and
# WinRM refuses to listen on a network it considers public.
$deadline = (Get-Date).AddMinutes(5)
while (-not (Get-NetConnectionProfile -ErrorAction SilentlyContinue) -and (Get-Date) -lt $deadline) {
  Start-Sleep -Seconds 5
}
Get-NetConnectionProfile | Set-NetConnectionProfile -NetworkCategory Private

winrm quickconfig -quiet
winrm set winrm/config/service '@{AllowUnencrypted="true"}'
winrm set winrm/config/service/auth '@{Basic="true"}'
Set-Service -Name WinRM -StartupType Automatic
Enable-NetFirewallRule -Name 'WINRM-HTTP-In-TCP', 'WINRM-HTTP-In-TCP-PUBLIC' -ErrorAction SilentlyContinue

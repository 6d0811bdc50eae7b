#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Makes a Windows 10/11 Enterprise, Education or IoT Enterprise PC a kiosk: the program in
    Program Files, a standard local account for it, the one configuration file, the data
    folder, and the Windows features for the lockdown (Shell Launcher, Keyboard Filter).

.DESCRIPTION
    Run it from the unpacked bundle (deploy\windows\install.ps1), in an elevated PowerShell:
        powershell -ExecutionPolicy Bypass -File deploy\windows\install.ps1
    Then, in this order (build\README.md explains each):
        1. edit C:\ProgramData\Kiosk\kiosk.toml and run "kiosk doctor" (printed at the end);
        2. set-keyboard-filter.ps1     (as administrator)
        3. set-shell-launcher.ps1      (as SYSTEM: PsExec.exe -s -i powershell ...)
        4. set-autologon.ps1           (as administrator), and restart.
    Running it again upgrades the program and keeps the configuration and the data.
#>
[CmdletBinding()]
param(
    # The unpacked bundle: the folder holding kiosk.exe (default: two folders up from here).
    [string] $Bundle = (Join-Path $PSScriptRoot "..\.."),
    [string] $InstallDir = (Join-Path $env:ProgramFiles "Kiosk"),
    [string] $DataRoot = (Join-Path $env:ProgramData "Kiosk"),
    [string] $Account = "kiosk"
)
Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"

function Say([string] $Message) { Write-Host "install: $Message" }

$Bundle = (Resolve-Path $Bundle).Path
if (-not (Test-Path (Join-Path $Bundle "kiosk.exe"))) {
    throw "There is no kiosk.exe in ${Bundle}: give -Bundle with the unpacked bundle's folder."
}
$edition = (Get-CimInstance Win32_OperatingSystem).Caption
if ($edition -notmatch "Enterprise|Education|IoT") {
    Write-Warning "$edition has no Shell Launcher or Keyboard Filter: the kiosk will run, but not locked down."
}

# 1. The program, read-only for everyone but administrators.
if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
Copy-Item -Recurse -Path $Bundle -Destination $InstallDir
Say "program in $InstallDir"

# 2. A standard local account (a member of Users only, never Administrators). Its password
#    is asked here and kept by Windows for the autologon (set-autologon.ps1).
if (-not (Get-LocalUser -Name $Account -ErrorAction SilentlyContinue)) {
    $password = Read-Host -AsSecureString "A password for the local account '$Account' (keep it with IT)"
    New-LocalUser -Name $Account -Password $password -FullName "Public-service kiosk" `
        -Description "Runs the kiosk only" -PasswordNeverExpires -UserMayNotChangePassword | Out-Null
    # The group's name depends on Windows' language; its SID does not.
    $users = Get-LocalGroup -SID "S-1-5-32-545"
    Add-LocalGroupMember -Group $users -Member $Account
    Say "standard account $Account made"
}

# 3. The configuration (kept on upgrade) and the data folder: the kiosk's account may read the
#    one and change the other; other standard accounts neither.
$config = Join-Path $DataRoot "kiosk.toml"
$data = Join-Path $DataRoot "data"
New-Item -ItemType Directory -Force -Path $DataRoot, $data | Out-Null
if (-not (Test-Path $config)) {
    Copy-Item (Join-Path $PSScriptRoot "..\kiosk.example.toml") $config
    (Get-Content $config -Raw) -replace '(?m)^data_dir = .*$', ("data_dir = '" + $data + "'") |
        Set-Content -Encoding UTF8 $config
    Say "configuration $config made from the example: edit it"
}
icacls $DataRoot /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" | Out-Null
icacls $config /grant:r "${Account}:R" | Out-Null
icacls $data /grant:r "${Account}:(OI)(CI)M" | Out-Null
[Environment]::SetEnvironmentVariable("KIOSK_CONFIG", $config, "Machine")
Say "data in $data; KIOSK_CONFIG set for every account"

# 4. The lockdown features (a restart completes them).
foreach ($feature in "Client-EmbeddedShellLauncher", "Client-KeyboardFilter") {
    $state = Get-WindowsOptionalFeature -Online -FeatureName $feature -ErrorAction SilentlyContinue
    if ($null -eq $state) {
        Write-Warning "$feature is not available on $edition."
    } elseif ($state.State -ne "Enabled") {
        Enable-WindowsOptionalFeature -Online -FeatureName $feature -NoRestart -All | Out-Null
        Say "$feature enabled (restart to complete)"
    }
}

Say "done. Check it with:"
Say "  & '$InstallDir\kiosk.exe' doctor"
Say "then run set-keyboard-filter.ps1, set-shell-launcher.ps1 (as SYSTEM) and set-autologon.ps1."

#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Signs the kiosk account in automatically at every start, so that a kiosk comes back by
    itself after a power cut or an update's restart.

.DESCRIPTION
    Uses Sysinternals Autologon (Autologon64.exe, from Microsoft), which keeps the password as
    an encrypted LSA secret rather than in the registry in plain text. Put Autologon64.exe
    beside this script, or give its path with -Autologon, then from an elevated PowerShell:
        powershell -ExecutionPolicy Bypass -File deploy\windows\set-autologon.ps1
    The password asked is the one given to install.ps1 for the account.
    -Remove switches autologon off.
#>
[CmdletBinding()]
param(
    [string] $Account = "kiosk",
    [string] $Autologon = (Join-Path $PSScriptRoot "Autologon64.exe"),
    [switch] $Remove
)
Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"

$winlogon = "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"
if ($Remove) {
    Set-ItemProperty -Path $winlogon -Name "AutoAdminLogon" -Value "0"
    Remove-ItemProperty -Path $winlogon -Name "DefaultPassword" -ErrorAction SilentlyContinue
    Write-Host "Autologon is off."
    return
}
if (-not (Test-Path $Autologon)) {
    throw "Autologon64.exe is not at ${Autologon}: download Sysinternals Autologon and put it there (or give -Autologon)."
}
if (-not (Get-LocalUser -Name $Account -ErrorAction SilentlyContinue)) {
    throw "There is no local account '$Account': run install.ps1 first."
}
$secure = Read-Host -AsSecureString "The password of '$Account'"
$plain = [Runtime.InteropServices.Marshal]::PtrToStringBSTR(
    [Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure))
try {
    & $Autologon /accepteula $Account $env:COMPUTERNAME $plain
    if ($LASTEXITCODE -ne 0) { throw "Autologon64.exe failed ($LASTEXITCODE)." }
} finally {
    $plain = $null
}
# No "press Ctrl+Alt+Del to sign in", no lock screen after the screen saver.
Set-ItemProperty -Path "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System" `
    -Name "DisableCAD" -Value 1 -Type DWord
Write-Host "Autologon: $env:COMPUTERNAME\$Account signs in at every start. Restart to try it."

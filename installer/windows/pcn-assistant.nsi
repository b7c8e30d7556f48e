; PCN Assistant Windows installer (NSIS 3).
;
; Per-user install with no admin rights, into %LOCALAPPDATA%\Programs\PCN Assistant.
; Upgrades replace the program files only. User data (databases, backups, logs) lives in
; %LOCALAPPDATA%\PCN Assistant\pcn-assistant (platformdirs' user data folder) and
; settings under HKCU\Software\PCN Assistant\PCN Assistant (QSettings); the installer
; never touches either, and the uninstaller removes them only if the user says yes.
;
; Build (installer/build.py passes all of these; see installer/README.md):
;   makensis /DVERSION=0.1.0 /DVERSION_QUAD=0.1.0.0 /DSOURCE_DIR=dist\pcn-assistant
;            [/DOUTFILE=...] [/DICON=...] [/DFAST] installer\windows\pcn-assistant.nsi
; /DFAST stores files uncompressed: CI uses it only to prove the script compiles.

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !error "Pass the version: /DVERSION=x.y.z"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "${VERSION}.0"
!endif
!ifndef SOURCE_DIR
  !error "Pass the PyInstaller bundle folder: /DSOURCE_DIR=dist\pcn-assistant"
!endif
!ifndef OUTFILE
  !define OUTFILE "pcn-assistant-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "${__FILEDIR__}\..\..\resources\icons\pcn-assistant.ico"
!endif
!ifdef FAST
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!define APP_NAME "PCN Assistant"
!define APP_EXE "pcn-assistant.exe"
!define CLI_EXE "pcn-assistant-cli.exe"
!define PUBLISHER "PCN Assistant developers"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PCN Assistant"
!define INSTALL_KEY "Software\PCN Assistant\Installer"
!define SETTINGS_KEY "Software\PCN Assistant\PCN Assistant"
!define DATA_PARENT "$LOCALAPPDATA\PCN Assistant"
!define DATA_DIR "${DATA_PARENT}\pcn-assistant"
!define START_MENU_LINK "$SMPROGRAMS\${APP_NAME}.lnk"
!define DESKTOP_LINK "$DESKTOP\${APP_NAME}.lnk"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${INSTALL_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}; MIT licence"

; A running program's files are locked; ask the user to close it rather than fail halfway.
!macro CHECK_NOT_RUNNING UN
Function ${UN}CheckNotRunning
  ${IfNot} ${FileExists} "$INSTDIR\${APP_EXE}"
    Return
  ${EndIf}
  retry:
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
        "${APP_NAME} is running. Close it, then choose Retry." /SD IDCANCEL IDRETRY retry
      Abort "${APP_NAME} is still running."
    ${EndIf}
    FileClose $0
FunctionEnd
!macroend
!insertmacro CHECK_NOT_RUNNING ""
!insertmacro CHECK_NOT_RUNNING "un."

Section "!${APP_NAME}" SecApp
  SectionIn RO
  Call CheckNotRunning
  ; Upgrade: clear the previous program files so no stale module survives. Only files
  ; this installer puts here are removed; the user data folder is elsewhere.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "${START_MENU_LINK}" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${INSTALL_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${INSTALL_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  CreateShortcut "${DESKTOP_LINK}" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

Section "-RemoveUnwantedDesktopShortcut"
  ${IfNot} ${SectionIsSelected} ${SecDesktop}
    Delete "${DESKTOP_LINK}"  ; unticked on upgrade
  ${EndIf}
SectionEnd

Function .onInit
  ${If} ${FileExists} "${DESKTOP_LINK}"
    !insertmacro SelectSection ${SecDesktop}  ; keep an upgrade's existing choice
  ${EndIf}
FunctionEnd

; Never install into the user data folder: the program folder is replaced on upgrade.
Function .onVerifyInstDir
  StrLen $1 "${DATA_PARENT}"
  StrCpy $0 "$INSTDIR" $1
  ${If} $0 == "${DATA_PARENT}"
    Abort
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Call un.CheckNotRunning
  Delete "${START_MENU_LINK}"
  Delete "${DESKTOP_LINK}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: anything else a user saved here stays
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${INSTALL_KEY}"

  ; Default (and silent /S) answer is No: the data is kept for a later reinstall.
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
    "Also delete your ${APP_NAME} data?$\r$\n$\r$\n${DATA_DIR}$\r$\n$\r$\nThis holds your \
databases, backups, logs and settings. Databases you keep in other folders are not \
touched.$\r$\n$\r$\nChoose No to keep them for a later reinstall." \
    /SD IDNO IDYES remove_data
  Goto done
  remove_data:
    RMDir /r "${DATA_DIR}"
    RMDir "${DATA_PARENT}"
    DeleteRegKey HKCU "${SETTINGS_KEY}"
  done:
  DeleteRegKey /ifempty HKCU "Software\PCN Assistant"
SectionEnd

; Inno Setup script for EmDia: EmDia-Setup-<version>.exe from the PyInstaller one-folder build.
;
; Build (Windows, see installer/README.md):
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\emdia.spec
;   iscc /DMyAppVersion=0.1.0 installer\emdia.iss
;
; - pt-BR installer language;
; - per-user install in %LOCALAPPDATA%\Programs\EmDia: no administrator rights needed
;   (a receptionist can install it; the clinic's IT person is not always there);
; - Start-menu and (optional) desktop shortcuts to EmDia.exe (the window, no console);
; - uninstall removes the program but KEEPS the clinic's data (%APPDATA%\EmDia: database,
;   backups, documents) unless the user ticks the box to erase it too.

#ifndef MyAppVersion
  #define MyAppVersion "0.1.0"
#endif
#define MyAppName "EmDia"
#define MyAppPublisher "EmDia"
#define MyAppExe "EmDia.exe"

[Setup]
AppId={{6E0B3C2A-5D1F-4B7E-9C3A-0D1E2F3A4B5C}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher={#MyAppPublisher}
DefaultDirName={localappdata}\Programs\{#MyAppName}
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=EmDia-Setup-{#MyAppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\{#MyAppExe}
UninstallDisplayName={#MyAppName}
CloseApplications=yes

[Languages]
Name: "brazilianportuguese"; MessagesFile: "compiler:Languages\BrazilianPortuguese.isl"

[Tasks]
Name: "desktopicon"; Description: "Criar um atalho na área de trabalho"; GroupDescription: "Atalhos:"

[Files]
Source: "..\dist\emdia\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"
Name: "{group}\EmDia - clínica de demonstração"; Filename: "{app}\{#MyAppExe}"; Parameters: "gui --demo"
Name: "{group}\Desinstalar o EmDia"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#MyAppExe}"; Description: "Abrir o EmDia agora"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Files the program itself writes next to it (never the clinic's data, which lives in %APPDATA%).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
// The clinic's data (database, backups, PDFs, logs) is in %APPDATA%\EmDia and
// %LOCALAPPDATA%\EmDia (platformdirs). It stays unless the user asks, twice, to erase it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir, LogDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{userappdata}\EmDia');
    LogDir := ExpandConstant('{localappdata}\EmDia');
    if DirExists(DataDir) and not UninstallSilent then
    begin
      if MsgBox('O EmDia foi removido. Os dados da clínica (pacientes, contratos, pagamentos, ' +
                'backups e documentos) continuam guardados em:' + #13#10 + DataDir + #13#10#13#10 +
                'Deseja APAGAR também esses dados? Escolha "Não" para mantê-los (recomendado).',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
      begin
        if MsgBox('Tem certeza? Os dados apagados não podem ser recuperados, a menos que exista ' +
                  'um backup em outro lugar.', mbError, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        begin
          DelTree(DataDir, True, True, True);
          DelTree(LogDir, True, True, True);
        end;
      end;
    end;
  end;
end;

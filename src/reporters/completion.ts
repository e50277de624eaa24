/**
 * Shell completion scripts for bash, zsh and fish, rendered from the CLI's own command table
 * (verbs and their options): verbs, options, task files (.yaml, .yml, .json) and the task and
 * activity ids of the first task file on the line (asked of `critpath completion ids FILE` as
 * the user types). File names are filtered with `case` patterns, which need no shell option.
 */

/** A verb as completion sees it. */
export interface CompletionVerb {
  readonly name: string;
  /** Long and short option flags: `--team`, `-f`. */
  readonly options: readonly string[];
}

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Only flag characters reach a script: names come from our own table, but stay safe to quote. */
const word = (s: string): string => s.replace(/[^A-Za-z0-9_.:/-]/g, '');

function bash(verbs: readonly CompletionVerb[]): string {
  const cases = verbs
    .map((v) => `    ${word(v.name)}) opts="${v.options.map(word).join(' ')}" ;;`)
    .join('\n');
  return `# critpath completion for bash: add to ~/.bashrc
#   source <(critpath completion bash)
_critpath() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local verbs="${verbs.map((v) => word(v.name)).join(' ')}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur"))
    return
  fi
  local verb=\${COMP_WORDS[1]} opts=""
  case $verb in
${cases}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
    return
  fi
  local file="" k f ids
  for ((k = 2; k < COMP_CWORD; k++)); do
    case \${COMP_WORDS[k]} in *.yaml | *.yml | *.json) file=\${COMP_WORDS[k]}; break ;; esac
  done
  ids=$(critpath completion ids \${file:+"$file"} 2>/dev/null)
  COMPREPLY=($(compgen -W "$ids" -- "$cur"))
  while IFS= read -r f; do
    case $f in *.yaml | *.yml | *.json) COMPREPLY+=("$f") ;; esac
  done < <(compgen -f -- "$cur")
  while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$cur")
}
complete -o filenames -F _critpath critpath
`;
}

function zsh(verbs: readonly CompletionVerb[]): string {
  const cases = verbs
    .map((v) => `    ${word(v.name)}) opts=(${v.options.map(word).join(' ')}) ;;`)
    .join('\n');
  return `#compdef critpath
# critpath completion for zsh: add to ~/.zshrc (after compinit)
#   source <(critpath completion zsh)
_critpath() {
  local -a verbs opts ids
  verbs=(${verbs.map((v) => word(v.name)).join(' ')})
  if (( CURRENT == 2 )); then
    compadd -- $verbs --help --version
    return
  fi
  case $words[2] in
${cases}
  esac
  if [[ $PREFIX == -* ]]; then
    compadd -- $opts --help
    return
  fi
  local file="" w
  for w in \${words[3,CURRENT-1]}; do
    if [[ $w == *.(yaml|yml|json) ]]; then file=$w; break; fi
  done
  ids=(\${(f)"$(critpath completion ids \${file:+"$file"} 2>/dev/null)"})
  compadd -- $ids
  _files -g '*.(yaml|yml|json)'
}
compdef _critpath critpath
`;
}

function fish(verbs: readonly CompletionVerb[]): string {
  const names = verbs.map((v) => word(v.name)).join(' ');
  const lines = [
    '# critpath completion for fish: save as ~/.config/fish/completions/critpath.fish',
    '#   critpath completion fish > ~/.config/fish/completions/critpath.fish',
    'function __critpath_ids',
    '    set -l words (commandline -opc)',
    '    set -l file',
    '    for w in $words[3..-1]',
    "        if string match -q -r '\\.(ya?ml|json)$' -- $w",
    '            set file $w',
    '            break',
    '        end',
    '    end',
    '    critpath completion ids $file 2>/dev/null',
    'end',
    `complete -c critpath -f -n __fish_use_subcommand -a '${names}'`,
    `complete -c critpath -n 'not __fish_use_subcommand' -a '(__critpath_ids)'`,
    `complete -c critpath -n 'not __fish_use_subcommand' -F`,
  ];
  for (const v of verbs) {
    for (const o of v.options) {
      const flag = word(o);
      const spec = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c critpath -n '__fish_seen_subcommand_from ${word(v.name)}' ${spec}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, verbs: readonly CompletionVerb[]): string {
  switch (shell) {
    case 'bash':
      return bash(verbs);
    case 'zsh':
      return zsh(verbs);
    case 'fish':
      return fish(verbs);
  }
}

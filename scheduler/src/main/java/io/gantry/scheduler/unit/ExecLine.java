package io.gantry.scheduler.unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code Exec*=} line split into words the way systemd does it: whitespace separates words,
 * single and double quotes group, a backslash escapes the next character (in single quotes it is
 * literal). A leading {@code -} means a failure of this command is fine. Variables expand when the
 * command runs: {@code ${NAME}} anywhere, a bare {@code $NAME} word into several words, {@code $$}
 * into {@code $}; anything else after a {@code $} (such as a shell's {@code $(hostname)}) is kept.
 */
public final class ExecLine {

    private static final Pattern BRACED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$\\$");
    private static final Pattern BARE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

    private record Word(String text, boolean bareVariable) {
    }

    private final String key;
    private final int line;
    private final boolean ignoreFailure;
    private final List<Word> words;

    private ExecLine(String key, int line, boolean ignoreFailure, List<Word> words) {
        this.key = key;
        this.line = line;
        this.ignoreFailure = ignoreFailure;
        this.words = words;
    }

    /** Splits {@code value}, the text after {@code key=} on {@code line}; {@code where} labels errors. */
    public static ExecLine parse(String where, String key, int line, String value) {
        String text = value.strip();
        boolean ignore = false;
        while (!text.isEmpty() && "-@+!:".indexOf(text.charAt(0)) >= 0) {
            char prefix = text.charAt(0);
            if (prefix != '-') {
                throw new UnitException(where + " line " + line + ": " + key + " prefix '" + prefix + "' is not supported (only '-')");
            }
            ignore = true;
            text = text.substring(1);
        }
        List<Word> words = split(where, key, line, text);
        if (words.isEmpty()) {
            throw new UnitException(where + " line " + line + ": " + key + " has no command");
        }
        return new ExecLine(key, line, ignore, words);
    }

    private static List<Word> split(String where, String key, int line, String text) {
        List<Word> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word(word.toString(), quoted));
                    word.setLength(0);
                    inWord = false;
                    quoted = false;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
                quoted = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new UnitException(where + " line " + line + ": " + key + " has an unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(word(word.toString(), quoted));
        }
        return words;
    }

    private static Word word(String text, boolean quoted) {
        return new Word(text, !quoted && BARE.matcher(text).matches());
    }

    /** The setting's name, such as {@code ExecStartPre}. */
    public String key() {
        return key;
    }

    /** The line of the unit file the command is on. */
    public int line() {
        return line;
    }

    /** True when the line started with {@code -}: a failure is logged and otherwise ignored. */
    public boolean ignoreFailure() {
        return ignoreFailure;
    }

    /** The words with variables expanded from {@code env} (unset ones expand to nothing, as in systemd). */
    public List<String> words(Map<String, String> env) {
        List<String> out = new ArrayList<>(words.size());
        for (Word w : words) {
            if (w.bareVariable) {
                String value = env.getOrDefault(w.text.substring(1), "");
                for (String part : value.strip().split("\\s+")) {
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
                continue;
            }
            Matcher m = BRACED.matcher(w.text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String replacement = m.group(1) == null ? "$" : env.getOrDefault(m.group(1), "");
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }

    /** The words as written, variables unexpanded: what a submit-time check looks at. */
    public List<String> rawWords() {
        return words.stream().map(Word::text).toList();
    }

    @Override
    public String toString() {
        return key + "=" + (ignoreFailure ? "-" : "") + String.join(" ", rawWords());
    }
}

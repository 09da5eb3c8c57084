package io.gantry.scheduler.ctl;

import java.util.ArrayList;
import java.util.List;

/** Shell-style brace expansion for unit names, so no shell is needed: {@code a@{1..3}} and {@code a@{x,y}}. */
final class Braces {

    private Braces() {
    }

    static List<String> expand(String word) {
        int open = word.indexOf('{');
        int close = open < 0 ? -1 : word.indexOf('}', open);
        if (open < 0 || close < 0) {
            return List.of(word);
        }
        String head = word.substring(0, open);
        String body = word.substring(open + 1, close);
        String tail = word.substring(close + 1);
        List<String> choices = new ArrayList<>();
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)").matcher(body);
        if (range.matches()) {
            int from = Integer.parseInt(range.group(1));
            int to = Integer.parseInt(range.group(2));
            if (Math.abs((long) to - from) > 10_000) {
                throw new IllegalArgumentException("'" + word + "': a range of more than 10,000 names");
            }
            for (int i = from; from <= to ? i <= to : i >= to; i += from <= to ? 1 : -1) {
                choices.add(String.valueOf(i));
            }
        } else if (body.contains(",")) {
            choices.addAll(List.of(body.split(",", -1)));
        } else {
            return List.of(word);
        }
        List<String> out = new ArrayList<>();
        for (String c : choices) {
            out.addAll(expand(head + c + tail));
        }
        return out;
    }
}

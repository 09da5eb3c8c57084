package io.gantry.common.cli;

import io.gantry.common.Durations;
import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs a picocli command the Gantry way: {@code --config FILE} supplies defaults in the flags' own
 * words (flags on the command line win), bad input is one line on stderr naming the flag or file line
 * with exit status 2, and a failure at run time is one line with exit status 1, never a stack trace.
 */
public final class CommandLines {

    /** Exit status for bad flags, values or config files, like most Unix tools. */
    public static final int USAGE = 2;

    private CommandLines() {
    }

    /** Parses {@code args} into {@code command}, runs it and returns the exit status. */
    public static int execute(String program, Object command, String... args) {
        // grpc (under jetcd) logs through java.util.logging; only its warnings are worth a person's time.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        CommandLine cli = new CommandLine(command);
        cli.registerConverter(Duration.class, converter(Durations::parse));
        cli.registerConverter(HostPort.class, converter(HostPort::parse));
        cli.registerConverter(EtcdSettings.class, converter(EtcdSettings::parse));
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(program + ": " + describe(e) + " (see --help)");
            err.flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            PrintWriter err = c.getErr();
            err.println(program + ": " + io.gantry.common.Errors.describe(e));
            err.flush();
            return e instanceof IllegalArgumentException ? USAGE : 1;
        });
        try {
            Path config = configPath(args);
            if (config != null) {
                applyDefaults(cli, ConfigFile.read(config));
            }
        } catch (IllegalArgumentException e) {
            cli.getErr().println(program + ": " + e.getMessage());
            cli.getErr().flush();
            return USAGE;
        }
        return cli.execute(args);
    }

    private static String describe(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            String what = first.startsWith("-") ? "unknown option '" + first + "'" : "unexpected argument '" + first + "'";
            List<String> suggestions = u.getSuggestions();
            return suggestions.isEmpty() ? what : what + "; did you mean " + String.join(" or ", suggestions) + "?";
        }
        return e.getMessage();
    }


    private static <T> CommandLine.ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    private static Path configPath(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    /** Makes each setting the default of the option with that long name; unknown names are errors. */
    private static void applyDefaults(CommandLine cli, ConfigFile file) {
        CommandSpec spec = cli.getCommandSpec();
        Map<String, List<ConfigFile.Setting>> settings = file.settings();
        for (List<ConfigFile.Setting> values : settings.values()) {
            ConfigFile.Setting first = values.get(0);
            OptionSpec option = spec.findOption("--" + first.name());
            if (option == null || first.name().equals("config")) {
                throw new IllegalArgumentException("config " + file.path() + " line " + first.line()
                        + ": unknown setting '" + first.name() + "'");
            }
            if (values.size() > 1 && !option.isMultiValue()) {
                throw new IllegalArgumentException("config " + file.path() + " line " + values.get(1).line()
                        + ": '" + first.name() + "' is set twice");
            }
        }
        cli.setDefaultValueProvider(arg -> {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            List<ConfigFile.Setting> values = settings.get(option.longestName().replaceFirst("^--", ""));
            if (values == null) {
                return arg.defaultValue();
            }
            List<String> texts = new ArrayList<>();
            values.forEach(v -> texts.add(v.value()));
            return option.isMultiValue() ? String.join(",", texts) : texts.get(0);
        });
        validateDefaults(spec, settings, file);
    }

    /** Converts each file value once up front so a bad one names its line, not a flag the user never typed. */
    private static void validateDefaults(CommandSpec spec, Map<String, List<ConfigFile.Setting>> settings, ConfigFile file) {
        for (List<ConfigFile.Setting> values : settings.values()) {
            OptionSpec option = spec.findOption("--" + values.get(0).name());
            for (ConfigFile.Setting s : values) {
                try {
                    convert(option, s.value());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("config " + file.path() + " line " + s.line() + ": "
                            + s.name() + ": " + e.getMessage());
                }
            }
        }
    }

    private static void convert(ArgSpec option, String text) {
        Class<?> type = option.isMultiValue() && option.auxiliaryTypes().length > 0 ? option.auxiliaryTypes()[0] : option.type();
        if (type == Duration.class) {
            Durations.parse(text);
        } else if (type == HostPort.class) {
            HostPort.parse(text);
        } else if (type == EtcdSettings.class) {
            EtcdSettings.parse(text);
        } else if (type == int.class || type == Integer.class) {
            try {
                Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }
    }
}

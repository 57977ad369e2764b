/**
 * One definition per setting. A {@link io.corral.cloud.config.Setting} holds a setting's key
 * ({@code admission.mode}), type, default, range and one line of doc; the builders that own a setting validate
 * through it, and the command lines derive from it their flags ({@link io.corral.cloud.config.PicocliSettings}),
 * their settings file ({@code --config FILE}), their environment variables and {@code config show}.
 *
 * <p>Start with {@link io.corral.cloud.config.Setting} and {@link io.corral.cloud.config.Catalogue};
 * {@link io.corral.cloud.config.SettingValues} resolves a catalogue's values with the precedence
 * flag &gt; environment &gt; file &gt; default. Durations have one syntax, {@link io.corral.cloud.config.Durations}.
 */
package io.corral.cloud.config;

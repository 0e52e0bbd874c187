package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.testing.Promtool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}), and every alert has a test; the dashboard
 * is well formed. XdpIpCounterIT sends every expression of both to a real
 * Prometheus scraping the tool.
 */
class MonitoringRulesTest {
    static final Path MONITORING = Path.of("..", "packaging", "monitoring");
    static final Path RULES = MONITORING.resolve("xdp-ip-counter.rules.yml");
    static final Path RULE_TESTS = MONITORING.resolve("xdp-ip-counter.rules.test.yml");
    static final Path DASHBOARD = MONITORING.resolve("xdp-ip-counter.dashboard.json");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
        assertThat(Promtool.run(MONITORING, "check", "rules", RULES.getFileName().toString())).contains("SUCCESS: 4 rules found");
        assertThat(Promtool.run(MONITORING, "test", "rules", RULE_TESTS.getFileName().toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestThatSeesItFire() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText()));
        }
        Set<String> firing = new TreeSet<>();
        for (JsonNode test : YAML.readTree(RULE_TESTS.toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                if (!check.path("exp_alerts").isEmpty()) {
                    firing.add(check.path("alertname").asText());
                }
            }
        }
        assertThat(alerts).hasSize(4);
        assertThat(firing).isEqualTo(alerts);
    }

    @Test
    void everyDashboardPanelQueriesPrometheusForTheChosenInstances() throws IOException {
        List<JsonNode> panels = panels();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(8);
        for (JsonNode panel : panels) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(panel.path("title").asText()).contains("instance=~\"$instance\"");
            }
        }
        assertThat(new TreeSet<>(dashboardExpressions())).hasSameSizeAs(dashboardExpressions());
    }

    /** The dashboard's panels, those inside rows included. */
    static List<JsonNode> panels() throws IOException {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** Every PromQL expression of the dashboard, with Grafana's variables as written. */
    static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    /** Every expression of the alert rules. */
    static List<String> ruleExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asText()));
        }
        return expressions;
    }
}

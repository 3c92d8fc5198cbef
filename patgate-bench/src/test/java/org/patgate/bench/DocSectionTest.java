package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DocSectionTest {

    @Test
    void replacesOnlyTheNamedSectionAndKeepsHandWrittenText() {
        String document = """
                # Title
                intro
                <!-- jmh:begin -->
                old jmh
                <!-- jmh:end -->
                between
                <!-- load:begin -->
                old load
                <!-- load:end -->
                outro
                """;

        String updated = DocSection.replace(document, "load", "new load\n");

        assertThat(updated).isEqualTo("""
                # Title
                intro
                <!-- jmh:begin -->
                old jmh
                <!-- jmh:end -->
                between
                <!-- load:begin -->
                new load
                <!-- load:end -->
                outro
                """);
    }

    @Test
    void replacingTwiceGivesTheSameDocument() {
        String once = DocSection.replace("a\n<!-- jmh:begin -->\nx\n<!-- jmh:end -->\nb\n", "jmh", "table");

        assertThat(DocSection.replace(once, "jmh", "table")).isEqualTo(once);
    }

    @Test
    void aMissingSectionIsAppended() {
        String updated = DocSection.replace("# Title\n", "load", "numbers");

        assertThat(updated).isEqualTo("# Title\n\n<!-- load:begin -->\nnumbers\n<!-- load:end -->\n");
    }
}

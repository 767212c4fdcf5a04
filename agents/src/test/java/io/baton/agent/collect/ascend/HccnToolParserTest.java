package io.baton.agent.collect.ascend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HccnToolParserTest {

  @ParameterizedTest
  @CsvSource({"hccn_tool/link-up.txt,UP", "hccn_tool/link-down.txt,DOWN"})
  void theRoceLinkOfRealOutput(String fixture, LinkState state) throws ParseException {
    assertThat(HccnToolParser.link(Fixtures.read(fixture))).isEqualTo(new Link("roce", state));
  }

  @ParameterizedTest
  @CsvSource({
    "hccn_tool/net-health-success.txt,UP",
    "hccn_tool/net-health-init.txt,UP",
    "hccn_tool/net-health-fault.txt,DOWN",
    "hccn_tool/net-health-receive-timeout.txt,DOWN",
    "hccn_tool/net-health-unknown-word.txt,UNKNOWN"
  })
  void theNetworkHealthOfRealAndMadeUpOutput(String fixture, LinkState state)
      throws ParseException {
    assertThat(HccnToolParser.netHealth(Fixtures.read(fixture)))
        .isEqualTo(new Link("net-health", state));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Success|UP",
        "success|UP",
        "Init|UP",
        "Socket fail|DOWN",
        "Receive timeout|DOWN",
        "Unreachable|DOWN",
        "Time exceeded|DOWN",
        "Fault|DOWN",
        "Thread error|DOWN",
        "Detect ip set|DOWN",
        "Unknown|UNKNOWN",
        "3|UNKNOWN"
      })
  void everyDocumentedHealthWord(String word, LinkState state) throws ParseException {
    assertThat(HccnToolParser.netHealth("net health status: " + word + "\n").state())
        .isEqualTo(state);
  }

  @Test
  void anUnknownLinkWordIsUnknownNotUp() throws ParseException {
    assertThat(HccnToolParser.link("link status: TESTING\n").state()).isEqualTo(LinkState.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "link status:\n", "net health status: Success\n"})
  void outputWithoutTheLinkLineIsATypedError(String output) {
    assertThatThrownBy(() -> HccnToolParser.link(output))
        .isInstanceOf(ParseException.class)
        .hasMessageStartingWith("hccn_tool -link: no 'link status: ...' line");
  }

  @Test
  void anErrorLineInsteadOfTheStatusNamesWhatWasPrinted() {
    assertThatThrownBy(() -> HccnToolParser.link(Fixtures.read("hccn_tool/link-garbage.txt")))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            "hccn_tool -link: no 'link status: ...' line in 'dev_id[0] get link status failed,"
                + " ret[-8005]'");
  }

  @Test
  void aTranscriptOfEightNpus() throws ParseException {
    Map<Integer, List<Link>> links =
        HccnToolParser.transcript(Fixtures.read("hccn_tool/transcript-8npu-npu3-down.txt"));

    assertThat(links).containsOnlyKeys(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(links.get(3))
        .containsExactly(new Link("roce", LinkState.DOWN), new Link("net-health", LinkState.DOWN));
    assertThat(links.get(0))
        .containsExactly(new Link("roce", LinkState.UP), new Link("net-health", LinkState.UP));
  }

  @Test
  void aTranscriptWithPromptsAndARepeatedQueryKeepsTheLastAnswer() throws ParseException {
    String text =
        "[root@node-7 ~]# hccn_tool -i 2 -link -g\n"
            + "link status: DOWN\n"
            + "\n"
            + "[root@node-7 ~]# hccn_tool -i 2 -link -g\n"
            + "link status: UP\n";

    assertThat(HccnToolParser.transcript(text))
        .containsExactly(Map.entry(2, List.of(new Link("roce", LinkState.UP))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "link status: UP\n",
        "for i in {0..7}; do hccn_tool -i $i -link -g; done\nlink status: UP\n"
      })
  void textThatIsNoTranscriptIsATypedError(String text) {
    assertThatThrownBy(() -> HccnToolParser.transcript(text))
        .isInstanceOf(ParseException.class)
        .hasMessageStartingWith("hccn_tool transcript: ");
  }

  @Test
  void aCommandWithoutItsAnswerIsATypedError() {
    assertThatThrownBy(() -> HccnToolParser.transcript("hccn_tool -i 0 -net_health -g\n"))
        .isInstanceOf(ParseException.class)
        .hasMessage("hccn_tool -net_health: no 'net health status: ...' line (empty output)");
  }
}

package org.ftb.relay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadSizeTest {

    @Test
    void aReadThatFillsTheSmallBufferGetsTheLargeOneNext() {
        assertThat(ReadSize.next(ReadSize.SMALL, ReadSize.SMALL)).isEqualTo(ReadSize.LARGE);
    }

    @Test
    void shortReadsKeepTheBufferTheyHave() {
        assertThat(ReadSize.next(ReadSize.SMALL, 120)).isEqualTo(ReadSize.SMALL);
        assertThat(ReadSize.next(ReadSize.LARGE, 120)).isEqualTo(ReadSize.LARGE);
        assertThat(ReadSize.next(ReadSize.LARGE, ReadSize.LARGE)).isEqualTo(ReadSize.LARGE);
    }
}

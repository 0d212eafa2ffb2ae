import pytest

from pipeline.danish import DanishFormatError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,2", 4.2),
        ("1.234", 1234.0),
        ("1.234,5", 1234.5),
        ("0", 0.0),
        ("-3,75", -3.75),
        ("..", None),
        ("", None),
        ("12.345.678,9", 12345678.9),
    ],
)
def test_parse_number_reads_danish_format(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["4.2", "1,234.5", "abc", "4,2,1", "1.23"])
def test_parse_number_rejects_other_formats_with_the_value_in_the_message(text):
    with pytest.raises(DanishFormatError, match=repr(text).replace(".", r"\.")):
        parse_number(text)


@pytest.mark.parametrize("value", [0.0, 4.25, 1234.5, 98765.43, -2.5])
def test_format_then_parse_round_trips(value):
    assert parse_number(format_number(value, 2)) == value


def test_format_number_uses_thousands_dot_and_decimal_comma():
    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_number(None) == ".."

import pytest

from cpts_portal.lib.csvfiles import NOT_A_CSV, CsvFileError, decode, read_csv, sniff_delimiter

TEXT = "Nom;Prénom\nMartin;Hélène\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 (BOM)"),
        (TEXT.replace("Martin", "Œuvre").encode("cp1252"), "Windows-1252"),
        (TEXT.encode("latin-1") + b"\x81", "Latin-1"),  # 0x81 is undefined in Windows-1252
    ],
)
def test_decode_reads_what_spreadsheets_export(data, encoding):
    text, name = decode(data)

    assert name == encoding
    assert text.startswith("Nom;Prénom") and "Hélène" in text
    assert "\ufeff" not in text


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [
        ("nom;prénom;commune", ";"),
        ("nom,prénom,commune", ","),
        ("nom\tprénom\tcommune", "\t"),
        ('nom;"prénom, autres prénoms";commune', ";"),  # a comma in a cell
        ("nom;prénom,commune", ";"),  # as frequent: `;` first
        ("nom", ";"),
        ("", ";"),
    ],
)
def test_sniff_delimiter_takes_the_most_frequent_separator(first_line, delimiter):
    assert sniff_delimiter(first_line + "\nx\n") == delimiter


def test_read_csv_gives_each_row_with_its_line_in_the_file():
    source = read_csv(b'nom,note\nMartin,"deux\nlignes"\nRoux,ok\n')

    assert (source.encoding, source.delimiter) == ("UTF-8", ",")
    assert list(source.rows()) == [
        (1, ["nom", "note"]),
        (3, ["Martin", "deux\nlignes"]),
        (4, ["Roux", "ok"]),
    ]


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\x00" * 40, "nom;prénom\n".encode("utf-16")],
    ids=["workbook", "utf-16"],
)
def test_read_csv_refuses_a_binary_file_in_french(data):
    with pytest.raises(CsvFileError) as error:
        read_csv(data)

    assert str(error.value) == NOT_A_CSV


def test_a_malformed_file_names_its_line():
    source = read_csv(b"nom;note\nMartin;ok\nRoux;" + b"x" * 200_000 + b"\n")

    with pytest.raises(CsvFileError, match=r"^Ligne 3 : le fichier CSV est mal formé \(field"):
        list(source.rows())

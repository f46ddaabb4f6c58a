"""Words Django translates for us: the language switch, the blank choice of a select."""


def test_the_language_switch_names_each_language_in_itself(client_for, shiliuyuan_secretary):
    html = client_for(shiliuyuan_secretary).get("/").content.decode()
    assert ">English</option>" in html
    assert ">简体中文</option>" in html
    assert "英语" not in html


def test_a_select_with_a_blank_choice_reads_chinese(client_for, shiliuyuan_secretary):
    html = client_for(shiliuyuan_secretary).get("/concerns/new/").content.decode()
    assert "Select an option" not in html
    assert "请选择" in html

"""China's divisions (duban.units.regions, lexicon/divisions.tsv): current names the 2018 table lacked,
names folded on both sides, names from before a merger or renaming still placed, and no data-frame library
loaded for one table."""

from __future__ import annotations

import subprocess
import sys

import pytest

from duban.units import regions


@pytest.mark.parametrize("printed, name, city, province", [
    ("济阳区", "济阳区", "济南市", "山东省"),  # 济阳县 became a district in 2018
    ("邹平市", "邹平市", "滨州市", "山东省"),  # a county-level city since 2018
    ("即墨区", "即墨区", "青岛市", "山东省"),
    ("乾县", "乾县", "咸阳市", "陕西省"),  # 乾 folds to 干: found only when the table is folded too
    ("乾安县", "乾安县", "松原市", "吉林省"),
    ("乾縣", "乾县", "咸阳市", "陕西省"),  # printed in traditional characters
    ("桐廬縣", "桐庐县", "杭州市", "浙江省"),
    ("东昌府", "东昌府区", "聊城市", "山东省"),  # the short form
])
def test_a_current_division_is_found_with_its_city_and_province(printed, name, city, province):
    found = regions.find(printed)
    assert (found.name, found.current, regions.parent(found).name, regions.province(found).name) == (
        name, True, city, province)


@pytest.mark.parametrize("former, city", [("济阳县", "济南市"), ("即墨市", "青岛市"), ("邹平县", "滨州市")])
def test_a_name_from_before_a_merger_still_finds_its_city(former, city):
    found = regions.find(former)
    assert not found.current and regions.parent(found).name == city


def test_a_name_shared_across_provinces_is_not_guessed():
    assert regions.find("朝阳区") is None  # in 北京 and in 长春
    assert regions.find("不存在县") is None


def test_the_table_states_its_source_and_every_row_its_standing():
    head = [line for line in (regions.HERE / "divisions.tsv").read_text(encoding="utf-8").splitlines()
            if line.startswith("#")]
    assert any("国家统计局" in line for line in head) and any("former" in line for line in head)
    rows = regions.rows()
    assert sum(r.level == "province" and r.current for r in rows) == 31 and sum(r.current for r in rows if r.level == "county") > 2800
    assert all(len(r.code) == 6 and r.code.isdigit() for r in rows)


def test_no_data_frame_library_is_loaded_for_the_table():
    code = "import sys; from duban.units import regions; regions.find('冠县'); print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"

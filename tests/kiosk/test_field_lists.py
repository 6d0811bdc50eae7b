"""Field-list groups (several questions on one page): a question the page itself opens is asked
there, and the error summary says which question each message is about."""

from .small_forms import YES_NO, make_form, start


def test_field_list_question_opened_on_the_same_page_is_asked(tmp_path):
    form = make_form(tmp_path, """\
        - type: group
          name: pet
          label: Your pet
          appearance: field-list
          children:
            - {type: select_one, name: has_pet, label: "Do you have a pet?", choices: yes_no, required: true}
            - {type: text, name: pet_name, label: "What is its name?", required: true,
               relevant: "${has_pet} = 'yes'"}
        - {type: text, name: town, label: Town}
        """, YES_NO)
    session = start(form)
    asked = set()
    for _ in range(10):
        page = session.page()
        if page.kind == "check":
            break
        asked.update(q.name for q in page.questions)
        if "has_pet" in {q.name for q in page.questions}:
            session.answer("has_pet", "yes")
        if "pet_name" in {q.name for q in page.questions}:
            session.answer("pet_name", "Rex")
        session.continue_()
    assert "pet_name" in asked
    session.submission()


def test_field_list_error_summary_says_which_question(tmp_path):
    form = make_form(tmp_path, """\
        - type: group
          name: address
          label: What is your address?
          appearance: field-list
          children:
            - {type: text, name: street, label: Street, required: true}
            - {type: text, name: town, label: Town, required: true}
        """)
    page = start(form).continue_()
    messages = [p.message for p in page.problems]
    assert len(messages) == 2 and len(set(messages)) == 2, messages

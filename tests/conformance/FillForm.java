// Fills an XForm with a set of answers in JavaRosa, ODK Collect's own engine (the copy inside
// pyxform's ODK_Validate.jar), the way a person taps through Collect, and prints the instance
// Collect would send. tests/conformance/javarosa.py compiles and drives it.
//
// One job a line on stdin, one result a line on stdout, so one JVM serves a whole test run:
//   in:  {"xform": "/path/form.xml", "answers": {"q": "text", "rep": [{"r": 2}, ...]}}
//   out: {"instance": "<data ...>", "rejected": [{"name": "q", "why": "constraint"}],
//         "asked": ["q", "rep/r"], "error": "..."}
// Answers are by question name, a repeat's as a list of items (as `kiosk forms try` reads
// them). A question with no answer keeps what it has (its default); a repeat gets as many
// items as the answers list.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.javarosa.core.model.Constants;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.FormIndex;
import org.javarosa.core.model.SelectChoice;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.SelectMultiData;
import org.javarosa.core.model.data.SelectOneData;
import org.javarosa.core.model.data.StringData;
import org.javarosa.core.model.data.helper.Selection;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.services.PropertyManager;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.model.xform.XFormSerializingVisitor;
import org.javarosa.xform.util.XFormAnswerDataParser;
import org.javarosa.xform.util.XFormUtils;
import org.opendatakit.validate.StubPropertyManager;

public class FillForm {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
                true, "UTF-8");
        System.setOut(new PrintStream(System.err, true, "UTF-8")); // JavaRosa's chatter: stderr
        // The metadata preloads (deviceid, username...) read the device's properties: ODK
        // Validate's stand-in answers them, as it does when pyxform validates.
        PropertyManager.setPropertyManager(new StubPropertyManager());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            ObjectNode result = JSON.createObjectNode();
            try {
                JsonNode job = JSON.readTree(line);
                fill(job.get("xform").asText(), job.get("answers"), result);
            } catch (Throwable failure) {
                result.put("error", failure.toString());
            }
            out.println(JSON.writeValueAsString(result));
        }
    }

    static void fill(String xform, JsonNode answers, ObjectNode result) throws Exception {
        FormDef form;
        try (InputStream stream = new FileInputStream(xform)) {
            form = XFormUtils.getFormFromInputStream(stream);
        }
        form.initialize(true, new InstanceInitializationFactory());
        FormEntryModel model = new FormEntryModel(form);
        FormEntryController controller = new FormEntryController(model);
        ArrayNode rejected = result.putArray("rejected");
        ArrayNode asked = result.putArray("asked");
        int event = controller.stepToNextEvent();
        while (event != FormEntryController.EVENT_END_OF_FORM) {
            FormIndex index = model.getFormIndex();
            if (event == FormEntryController.EVENT_PROMPT_NEW_REPEAT) {
                JsonNode items = itemsOf(answers, index);
                if (items != null && items.isArray() && lastInstance(index) < items.size()) {
                    controller.newRepeat();
                }
            } else if (event == FormEntryController.EVENT_REPEAT && !countedRepeat(form, index)
                       && lastInstance(index) >= size(itemsOf(answers, index))) {
                // pyxform's XForm starts a repeat with one item: with no item in the answers,
                // the person removes it, as Collect offers.
                controller.jumpToIndex(controller.deleteRepeat());
            } else if (event == FormEntryController.EVENT_QUESTION) {
                FormEntryPrompt prompt = model.getQuestionPrompt();
                if (!prompt.isReadOnly()) {
                    String name = index.getReference().getNameLast();
                    asked.add(keyOf(index, name));
                    JsonNode given = containerOf(answers, index);
                    // By its path from the root first (a loop's questions share one name in
                    // each choice's group), else by its name.
                    String full = index.getReference().toString(false);
                    String path = full.substring(full.indexOf('/', 1) + 1);
                    given = given == null ? null : given.has(path) ? given.get(path) : given.get(name);
                    IAnswerData data = prompt.getAnswerValue(); // no answer: what is there (a default)
                    if (given != null && blank(given)) {
                        data = null; // nothing typed or ticked: as Collect's widgets give it
                    } else if (given != null && !given.isNull()) {
                        data = toAnswer(prompt, given);
                        if (data == null) {
                            reject(rejected, name, "not an answer this question takes: " + given);
                            break;
                        }
                    }
                    int outcome = controller.answerQuestion(index, data, true);
                    if (outcome == FormEntryController.ANSWER_CONSTRAINT_VIOLATED) {
                        reject(rejected, name, "constraint");
                        break;
                    }
                    if (outcome == FormEntryController.ANSWER_REQUIRED_BUT_EMPTY) {
                        reject(rejected, name, "required");
                        break;
                    }
                }
            }
            event = controller.stepToNextEvent();
        }
        if (rejected.size() > 0) return;
        // What Collect does on "Save Form and Exit": every answer checked again, then the
        // end-of-form preloads, then the instance as it is sent.
        org.javarosa.core.model.ValidateOutcome outcome = form.validate(true);
        if (outcome != null) {
            FormIndex index = outcome.failedPrompt;
            reject(rejected, index.getReference().getNameLast(),
                   outcome.outcome == FormEntryController.ANSWER_REQUIRED_BUT_EMPTY ? "required" : "constraint");
            return;
        }
        form.postProcessInstance();
        byte[] xml = new XFormSerializingVisitor().serializeInstance(form.getInstance());
        result.put("instance", new String(xml, StandardCharsets.UTF_8));
    }

    static boolean blank(JsonNode given) {
        return given.isNull() || (given.isArray() && given.size() == 0)
                || (given.isTextual() && given.asText().isEmpty());
    }

    static void reject(ArrayNode rejected, String name, String why) {
        ObjectNode entry = rejected.addObject();
        entry.put("name", name);
        entry.put("why", why);
    }

    /** The answer as JavaRosa holds it; null when the question cannot take it. */
    static IAnswerData toAnswer(FormEntryPrompt prompt, JsonNode given) {
        int control = prompt.getControlType();
        if (control == Constants.CONTROL_TRIGGER) {
            return given.asBoolean() || "OK".equals(given.asText()) ? new StringData("OK") : null;
        }
        if (control == Constants.CONTROL_SELECT_ONE) {
            SelectChoice choice = offered(prompt, given.asText());
            return choice == null ? null : new SelectOneData(choice.selection());
        }
        if (control == Constants.CONTROL_SELECT_MULTI) {
            List<Selection> chosen = new ArrayList<>();
            for (JsonNode value : given.isArray() ? given : JSON.createArrayNode().add(given)) {
                SelectChoice choice = offered(prompt, value.asText());
                if (choice == null) return null;
                chosen.add(choice.selection());
            }
            return new SelectMultiData(chosen);
        }
        String text = given.isTextual() ? given.asText() : given.toString();
        if (text.isEmpty()) return null;
        return XFormAnswerDataParser.getAnswerData(text, prompt.getDataType(), prompt.getQuestion());
    }

    /** A choice the select shows now (its choice filter applied), by name. */
    static SelectChoice offered(FormEntryPrompt prompt, String value) {
        for (SelectChoice choice : prompt.getSelectChoices()) {
            if (choice.getValue().equals(value)) return choice;
        }
        return null;
    }

    /** The answers object holding this question: the repeat items on the way down. */
    static JsonNode containerOf(JsonNode answers, FormIndex index) {
        JsonNode here = answers;
        for (FormIndex level = index; level != null && !level.isTerminal(); level = level.getNextLevel()) {
            if (level.getInstanceIndex() < 0) continue;
            JsonNode items = here.get(level.getLocalReference().getNameLast());
            if (items == null || !items.isArray() || level.getInstanceIndex() >= items.size()) return null;
            here = items.get(level.getInstanceIndex());
        }
        return here;
    }

    /** The answers' items for the repeat this "add another?" prompt belongs to. */
    static JsonNode itemsOf(JsonNode answers, FormIndex index) {
        JsonNode here = answers;
        FormIndex level = index;
        for (; level.getNextLevel() != null; level = level.getNextLevel()) {
            if (level.getInstanceIndex() < 0) continue;
            JsonNode items = here.get(level.getLocalReference().getNameLast());
            if (items == null || !items.isArray() || level.getInstanceIndex() >= items.size()) return null;
            here = items.get(level.getInstanceIndex());
        }
        return here.get(level.getLocalReference().getNameLast());
    }

    static int size(JsonNode items) {
        return items != null && items.isArray() ? items.size() : 0;
    }

    /** A repeat with a repeat_count (jr:count): its items are the form's, not the person's. */
    static boolean countedRepeat(FormDef form, FormIndex index) {
        org.javarosa.core.model.IFormElement element = form.getChild(index);
        return element instanceof org.javarosa.core.model.GroupDef group
                && group.getCountReference() != null;
    }

    static int lastInstance(FormIndex index) {
        FormIndex level = index;
        while (level.getNextLevel() != null) level = level.getNextLevel();
        return level.getInstanceIndex();
    }

    /** "rep[2]/name" for a question in a repeat's second item, "name" outside repeats. */
    static String keyOf(FormIndex index, String name) {
        StringBuilder key = new StringBuilder();
        for (FormIndex level = index; level != null && !level.isTerminal(); level = level.getNextLevel()) {
            if (level.getInstanceIndex() < 0) continue;
            key.append(level.getLocalReference().getNameLast()).append('[')
               .append(level.getInstanceIndex() + 1).append("]/");
        }
        return key.append(name).toString();
    }
}

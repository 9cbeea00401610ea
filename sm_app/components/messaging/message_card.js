// One message drawn by the browser from its props: the same Quasar card, caption and body the page used to build
// from three server-side elements. Text goes in through {{ }} and the default slot (the body, a text node, as in
// ui.label) only, never as HTML. A template's answers and the attachments, library cards and read receipt are real
// NiceGUI elements in the "answers" and "extras" slots.
export default {
  template: `
    <q-card flat bordered>
      <div class="text-caption">{{ caption }}</div>
      <slot name="answers"></slot>
      <div v-if="has_body" class="message-body" style="white-space: pre-wrap"><slot></slot></div>
      <slot name="extras"></slot>
    </q-card>
  `,
  props: {
    caption: String,
    has_body: Boolean,
  },
};

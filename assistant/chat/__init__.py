"""Chat stage: route each message (general, patient-specific, schedule), read the facts it states,
and keep the conversation's protocol, patient and topic between messages.

Entry points: ``assistant.chat.route.classify``, ``assistant.chat.extract.extract_facts`` and
``assistant.chat.state.ConversationState``.
"""
